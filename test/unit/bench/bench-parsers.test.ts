// The benchmark's parsers and scoring (bench/parsers.mjs): no network needed.
import { describe, expect, it } from 'vitest';
import {
  addressKey,
  expectedOpen,
  median,
  nftRuleFor,
  parseMasscanList,
  parseNmapGrepable,
  parsePortpickJsonLines,
  parseZmapAddresses,
  scoreFindings,
  seededPorts,
  summarizeRuns,
} from '../../../bench/parsers.mjs';

describe('peer output parsers', () => {
  it('reads open tcp ports from nmap -oG lines and ignores other states and comments', () => {
    const text = [
      '# Nmap 7.93 scan initiated as: nmap -oG - 198.18.0.0/30',
      'Host: 198.18.0.1 ()\tStatus: Up',
      'Host: 198.18.0.1 ()\tPorts: 22/open/tcp//ssh///, 25/closed/tcp//smtp///, 8080/open/tcp//http-proxy///\tIgnored State: closed (65532)',
      'Host: 2001:db8::5 ()\tPorts: 443/open/tcp//https///, 53/filtered/tcp//domain///',
      '# Nmap done at ...',
    ].join('\n');
    expect(parseNmapGrepable(text)).toEqual([
      { address: '198.18.0.1', port: 22 },
      { address: '198.18.0.1', port: 8080 },
      { address: '2001:db8::5', port: 443 },
    ]);
  });

  it('reads masscan -oL lines and skips the header and footer', () => {
    const text = '#masscan\nopen tcp 8080 198.18.4.27 1795771263\nopen tcp 9090 2001:db8::ba 1795771261\n# end\n';
    expect(parseMasscanList(text)).toEqual([
      { address: '198.18.4.27', port: 8080 },
      { address: '2001:db8::ba', port: 9090 },
    ]);
  });

  it('reads zmap saddr output without its csv header', () => {
    expect(parseZmapAddresses('saddr\n198.18.0.200\n198.18.0.231\n\n')).toEqual(['198.18.0.200', '198.18.0.231']);
  });

  it('keeps only open result lines of portpick jsonl, the summary, and counts broken lines', () => {
    const text = [
      '{"type":"result","address":"198.18.0.1","port":80,"state":"open"}',
      '{"type":"result","address":"198.18.0.1","port":81,"state":"closed"}',
      'not json',
      '{"type":"summary","planned":2}',
    ].join('\n');
    const parsed = parsePortpickJsonLines(text);
    expect(parsed.findings).toEqual([{ address: '198.18.0.1', port: 80 }]);
    expect(parsed.summary).toEqual({ type: 'summary', planned: 2 });
    expect(parsed.badLines).toBe(1);
  });
});

describe('lab filters', () => {
  it('matches only SYNs without ACK, per address family', () => {
    expect(nftRuleFor({ kind: 'silent', prefix: '198.18.192.0/18' })).toBe('ip daddr 198.18.192.0/18 tcp flags & (syn|ack) == syn drop');
    expect(nftRuleFor({ kind: 'loss', prefix: '2001:db8::/112', lossPercent: 1 })).toBe(
      'ip6 daddr 2001:db8::/112 tcp flags & (syn|ack) == syn numgen random mod 100 < 1 drop',
    );
    expect(nftRuleFor({ kind: 'rate-limit', prefix: '198.18.0.0/16', ratePerSecond: 20000 })).toBe(
      'ip daddr 198.18.0.0/16 tcp flags & (syn|ack) == syn limit rate over 20000/second drop',
    );
  });

  it('rejects a loss that is not a whole percent from 1 to 99', () => {
    expect(() => nftRuleFor({ kind: 'loss', prefix: '198.18.0.0/16', lossPercent: 0.5 })).toThrow('Expected a loss of 1 to 99 whole percent, got `0.5`');
  });
});

describe('ground truth and scoring', () => {
  const truth = expectedOpen({ blocks: ['198.18.0.0/30'], silent: ['198.18.0.3/32'], openPorts: [80, 443] });

  it('counts the open pairs outside silent blocks', () => {
    expect(truth.openCount).toBe(6);
    expect(truth.isOpen('198.18.0.2', 443)).toBe(true);
    expect(truth.isOpen('198.18.0.3', 443)).toBe(false);
    expect(truth.isOpen('198.18.0.2', 22)).toBe(false);
    expect(truth.isOpen('198.18.0.4', 80)).toBe(false);
  });

  it('scores distinct finds: duplicates once, false opens lower precision, misses lower recall', () => {
    const score = scoreFindings(
      [
        { address: '198.18.0.0', port: 80 },
        { address: '198.18.0.0', port: 80 },
        { address: '198.18.0.1', port: 443 },
        { address: '198.18.0.3', port: 80 },
      ],
      truth,
    );
    expect(score).toEqual({ found: 3, duplicates: 1, unparsable: 0, truePositives: 2, falsePositives: 1, missed: 4, recall: 2 / 6, precision: 2 / 3 });
  });

  it('counts an unparsable address as a false open instead of failing', () => {
    const score = scoreFindings([{ address: '2001:db8:', port: 80 }, { address: '198.18.0.0', port: 80 }], truth);
    expect(score.unparsable).toBe(1);
    expect(score.falsePositives).toBe(1);
    expect(score.truePositives).toBe(1);
  });

  it('treats different spellings of one IPv6 address as the same finding', () => {
    expect(addressKey('2001:db8::5')).toBe(addressKey('2001:0db8:0:0:0:0:0:0005'));
    const v6 = expectedOpen({ blocks: ['2001:db8::/126'], openPorts: [22] });
    expect(scoreFindings([{ address: '2001:db8::3', port: 22 }, { address: '2001:db8:0::3', port: 22 }], v6).found).toBe(1);
  });

  it('picks reproducible, distinct, sorted ports inside the range and outside the avoided set', () => {
    const ports = seededPorts(30, 7, { min: 1, max: 65535, avoid: [9] });
    expect(seededPorts(30, 7, { min: 1, max: 65535, avoid: [9] })).toEqual(ports);
    expect(new Set(ports).size).toBe(30);
    expect([...ports].sort((a, b) => a - b)).toEqual(ports);
    expect(ports.every((port) => port >= 1 && port <= 65535 && port !== 9)).toBe(true);
  });
});

describe('run summaries', () => {
  const score = (recall: number) => ({ found: 0, duplicates: 0, unparsable: 0, truePositives: 0, falsePositives: 0, missed: 0, recall, precision: 1 });

  it('takes the median wall time, the worst recall and the highest RSS, and skips timed-out runs for speed', () => {
    const summary = summarizeRuns(
      [
        { wallMs: 1000, code: 0, timedOut: false, cpuSeconds: 1, peakRssKb: 100, score: score(1) },
        { wallMs: 3000, code: 0, timedOut: false, cpuSeconds: 3, peakRssKb: 300, score: score(0.5) },
        { wallMs: 9000, code: null, timedOut: true, cpuSeconds: null, peakRssKb: null, score: score(0) },
      ],
      4000,
      8000,
    );
    expect(summary.status).toBe('partly timeout');
    expect(summary.medianWallMs).toBe(2000);
    expect(summary.probesPerSecond).toBe(2000);
    expect(summary.fractionOfCeiling).toBe(0.25);
    expect(summary.recall).toBe(0.5);
    expect(summary.peakRssKb).toBe(300);
  });

  it('gives no figures for a run that exited with an error, and shows its message', () => {
    const summary = summarizeRuns(
      [{ wallMs: 500, code: 2, timedOut: false, cpuSeconds: 0.1, peakRssKb: 50, score: score(0), notes: ['exit 2: no raw sockets'] }],
      4000,
      8000,
    );
    expect(summary.status).toBe('error');
    expect(summary.probesPerSecond).toBeNull();
    expect(summary.recall).toBeNull();
    expect(summary.firstError).toBe('exit 2: no raw sockets');
  });

  it('has no median of nothing', () => {
    expect(median([])).toBeNull();
    expect(median([3, null, 1])).toBe(2);
  });
});
