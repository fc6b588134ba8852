import { describe, expect, it } from 'vitest';
import { EntryIndex } from '../../../src/registry/entry-index.js';
import { MARK_LISTED, MARK_SEEN_OPEN, portMarks } from '../../../src/pick/port-marks.js';
import { entry, nmapEntry } from './fake-sources.js';

describe('portMarks', () => {
  it('marks listed ports per protocol, and nmap ports seen open', () => {
    const index = new EntryIndex('nmap', [nmapEntry(80, 'tcp', 'http', 0.48), nmapEntry(81, 'tcp', 'old', 0), nmapEntry(82, 'udp', 'u', 0.1)]);
    const tcp = portMarks(index, 'tcp');
    expect(tcp[80]).toBe(MARK_LISTED | MARK_SEEN_OPEN);
    expect(tcp[81]).toBe(MARK_LISTED);
    expect(tcp[82]).toBe(0);
    expect(portMarks(index, 'udp')[82]).toBe(MARK_LISTED | MARK_SEEN_OPEN);
    expect(tcp.reduce((n, mark) => n + (mark === 0 ? 0 : 1), 0)).toBe(2);
  });

  it('is rebuilt when the index grows', () => {
    const index = new EntryIndex('listeners', [entry('listeners', 5000, 'tcp')]);
    expect(portMarks(index, 'tcp')[5001]).toBe(0);
    index.add(entry('listeners', 5001, 'tcp'));
    expect(portMarks(index, 'tcp')[5001]).toBe(MARK_LISTED);
  });
});
