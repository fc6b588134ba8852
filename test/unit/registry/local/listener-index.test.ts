import { describe, expect, it } from 'vitest';
import { portMarks, MARK_LISTED } from '../../../../src/pick/port-marks.js';
import { ListenerIndex, type ListeningSocket, type OwnerResolver } from '../../../../src/registry/listeners.js';
import type { OwningProcess } from '../../../../src/registry/types.js';

const sockets: ListeningSocket[] = [
  { protocol: 'tcp', address: '0.0.0.0', port: 8080, inode: 11 },
  { protocol: 'tcp', address: '0.0.0.0', port: 8080, inode: 12 }, // same owner: an SO_REUSEPORT group
  { protocol: 'tcp', address: '::', port: 8080, inode: 13 },
  { protocol: 'udp', address: '0.0.0.0', port: 5353, inode: 21 },
  { protocol: 'tcp', address: '127.0.0.1', port: 5432, inode: 31 }, // owner invisible
];
const owners = new Map<number, OwningProcess>([
  [11, { pid: 100, command: 'web' }],
  [12, { pid: 100, command: 'web' }],
  [13, { pid: 101, command: 'web6' }],
  [21, { pid: 200, command: 'mdns' }],
]);

function recordingResolver(): { resolve: OwnerResolver; asked: number[][] } {
  const asked: number[][] = [];
  const resolve: OwnerResolver = (inodes) => {
    asked.push([...inodes].sort((a, b) => a - b));
    return new Map([...owners].filter(([inode]) => inodes.has(inode)));
  };
  return { resolve, asked };
}

describe('ListenerIndex (owners looked up on demand)', () => {
  it('marks listened ports without looking up any owner', () => {
    const { resolve, asked } = recordingResolver();
    const index = new ListenerIndex(sockets, resolve);
    expect(portMarks(index, 'tcp')[8080]).toBe(MARK_LISTED);
    expect(portMarks(index, 'tcp')[5353]).toBe(0);
    expect(portMarks(index, 'udp')[5353]).toBe(MARK_LISTED);
    expect(index.has('tcp', 5432)).toBe(true);
    expect(index.has('udp', 8080)).toBe(false);
    expect(asked).toEqual([]);
  });

  it('looks up only the owners of the port asked about, once, and merges one owner’s sockets', () => {
    const { resolve, asked } = recordingResolver();
    const index = new ListenerIndex(sockets, resolve);
    expect(index.lookup('tcp', 9999)).toEqual([]);
    const entries = index.lookup('tcp', 8080);
    expect(asked).toEqual([[11, 12, 13]]);
    expect(entries.map((entry) => [entry.extra.address, entry.extra.process?.pid, entry.description])).toEqual([
      ['0.0.0.0', 100, 'listening on 0.0.0.0 (pid 100 web)'],
      ['::', 101, 'listening on :: (pid 101 web6)'],
    ]);
    expect(index.lookup('tcp', 8080)).toBe(entries);
    expect(asked).toHaveLength(1);
    expect(index.size).toBe(4);
  });

  it('lists every entry with its owner, where visible', () => {
    const { resolve, asked } = recordingResolver();
    const index = new ListenerIndex(sockets, resolve);
    const all = [...index.entries()];
    expect(asked).toEqual([[11, 12, 13, 21, 31]]);
    expect(all.map((entry) => `${entry.protocol} ${entry.port} ${entry.extra.process?.command ?? '-'}`)).toEqual([
      'tcp 8080 web',
      'tcp 8080 web6',
      'udp 5353 mdns',
      'tcp 5432 -',
    ]);
    expect(all.every((entry) => entry.source === 'listeners' && entry.state === 'assigned')).toBe(true);
  });
});
