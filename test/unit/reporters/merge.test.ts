import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FileAccessError, ScanOutputParseError } from '../../../src/errors/index.js';
import { mergeJsonLines, mergeJsonLinesFiles, STATE_PRECEDENCE } from '../../../src/scan/merge.js';
import { compareResults } from '../../../src/scan/reporters/address-order.js';
import type { ScanResult } from '../../../src/scan/types.js';
import { render } from './render.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/reporters/${name}`, import.meta.url));
const SHARD_FILES = ['shard-0-of-4.jsonl', 'shard-1-of-4.jsonl', 'shard-3-of-4.jsonl'].map(fixture);

/** The result lines of a fixture, read with nothing but JSON.parse. */
function rawResults(path: string): ScanResult[] {
  return readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line))
    .filter((line) => line.type === 'result')
    .map(({ type: _t, schema: _s, ...result }) => result as ScanResult);
}

const header = (extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    type: 'header',
    schema: 'portpick.scan/1',
    resultFilter: 'all',
    args: ['portpick', 'scan', '198.18.0.0/30'],
    startedAt: '2024-03-05T10:00:00.000Z',
    targets: ['198.18.0.0/30'],
    ports: '22,80',
    engine: 'connect',
    seed: '7',
    shard: { index: 0, count: 1 },
    version: '0.1.0',
    ...extra,
  });
const result = (extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    type: 'result',
    schema: 'portpick.scan/1',
    address: '198.18.0.1',
    family: 4,
    port: 80,
    protocol: 'tcp',
    state: 'open',
    reason: 'connected',
    rttMs: 0.5,
    tries: 1,
    engine: 'connect',
    ...extra,
  });

async function mergeError(texts: Record<string, string>): Promise<ScanOutputParseError> {
  const inputs = Object.entries(texts).map(([name, content]) => ({ name, content }));
  const error = await mergeJsonLines(inputs).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ScanOutputParseError);
  return error as ScanOutputParseError;
}

describe('merge of three shard files (0, 1, 3 of 4) with overlap', () => {
  it('names the missing shard', async () => {
    const merged = await mergeJsonLinesFiles(SHARD_FILES);
    expect(merged.shards).toEqual({ count: 4, seen: [0, 1, 3], missing: [2], repeated: [] });
    // Named in both conventions: masscan's 1-based 3/4 and zmap's index 2.
    expect(merged.summary.notes.some((n) => n.includes('missing: 3/4 (zmap --shard 2)'))).toBe(true);
  });

  it('keeps one result per (address, port), the most decided state winning, sorted', async () => {
    const merged = await mergeJsonLinesFiles(SHARD_FILES);
    const inputs = SHARD_FILES.flatMap(rawResults);
    const keys = merged.results.map((r) => `${r.address}|${r.port}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(inputs.map((r) => `${r.address}|${r.port}`))).toEqual(new Set(keys));
    expect(merged.duplicates).toBe(inputs.length - keys.length);
    expect(merged.duplicates).toBeGreaterThan(0);
    for (const r of merged.results) {
      const same = inputs.filter((x) => x.address === r.address && x.port === r.port);
      expect(STATE_PRECEDENCE[r.state]).toBe(Math.max(...same.map((x) => STATE_PRECEDENCE[x.state])));
      expect(r.tarpit === true).toBe(same.some((x) => x.tarpit === true));
    }
    expect([...merged.results].sort(compareResults)).toEqual(merged.results);
    // The two overlaps in the fixtures: filtered (shard 0) vs open+tarpit (shard 3); closed (shard 0) vs open (shard 1).
    expect(merged.results.find((r) => r.address === '198.18.0.1' && r.port === 80)).toMatchObject({ state: 'open', tarpit: true });
    expect(merged.results.find((r) => r.address === '198.18.0.2' && r.port === 22)?.state).toBe('open');
  });

  it('adds the counters, takes the longest duration and the earliest start, recounts states', async () => {
    const merged = await mergeJsonLinesFiles(SHARD_FILES);
    const summaries = SHARD_FILES.map((path) =>
      readFileSync(path, 'utf8')
        .split(/\r?\n/)
        .filter((l) => l.includes('"type":"summary"'))
        .map((l) => JSON.parse(l))[0],
    );
    for (const key of ['planned', 'sent', 'answered', 'retried', 'silent', 'sendErrors', 'receiveDrops', 'completed', 'finalRate']) {
      expect(merged.summary[key as 'planned'], key).toBe(summaries.reduce((sum, s) => sum + s[key], 0));
    }
    expect(merged.summary.durationMs).toBe(Math.max(...summaries.map((s) => s.durationMs)));
    expect(merged.summary.startedAt).toBe('2024-03-05T09:59:59.000Z');
    expect(merged.summary.ratePerSecond).toBeCloseTo(merged.summary.completed / (merged.summary.durationMs / 1000), 9);
    for (const state of ['open', 'closed', 'filtered', 'unreachable'] as const) {
      expect(merged.summary[state], state).toBe(merged.results.filter((r) => r.state === state).length);
    }
    const up = new Set(merged.results.filter((r) => r.state === 'open' || r.state === 'closed').map((r) => r.address));
    expect(merged.summary.hostsUp).toBe(up.size);
    expect(merged.summary.interrupted).toBe(false);
    expect(merged.summary.shard).toEqual({ index: 0, count: 1 });
    expect(merged.meta).toMatchObject({ ports: '22,80', seed: '7', shard: { index: 0, count: 1 }, addressCount: 8 });
  });

  it('gives the same results whatever the input order, and from line iterables as from files', async () => {
    const forward = await mergeJsonLinesFiles(SHARD_FILES);
    const backward = await mergeJsonLinesFiles([...SHARD_FILES].reverse());
    expect(backward.results).toEqual(forward.results);
    async function* lines(text: string): AsyncGenerator<string> {
      yield* text.split('\n');
    }
    const streamed = await mergeJsonLines(SHARD_FILES.map((path) => ({ name: path, content: lines(readFileSync(path, 'utf8')) })));
    expect(streamed.results).toEqual(forward.results);
    expect(streamed.summary).toEqual(forward.summary);
  });

  it('renders in any format, and its JSON lines output merges again to the same results', async () => {
    const merged = await mergeJsonLinesFiles(SHARD_FILES);
    const xml = render('xml', merged.meta, merged.results, merged.summary).text;
    expect(xml).toContain('<hosts up="7" down="1" total="8"/>');
    const jsonl = render('jsonl', merged.meta, merged.results, merged.summary).text;
    const again = await mergeJsonLines([{ name: 'merged.jsonl', content: jsonl }]);
    expect(again.results).toEqual(merged.results);
    expect(again.shards).toEqual({ count: 1, seen: [0], missing: [], repeated: [] });
  });
});

describe('merge edge cases', () => {
  it('keeps every complete line of a file whose last line was cut short (a killed writer), and names the cut', async () => {
    const cut = `${header()}\n${result({ address: '198.18.0.1' })}\n${result({ address: '198.18.0.2' })}\n${result({ address: '198.18.0.3' }).slice(0, 40)}`;
    const merged = await mergeJsonLines([{ name: 'killed.jsonl', content: cut }, { name: 'whole.jsonl', content: `${header()}\n${result({ address: '198.18.0.0' })}\n` }]);
    expect(merged.results.map((r) => r.address)).toEqual(['198.18.0.0', '198.18.0.1', '198.18.0.2']);
    expect(merged.truncated).toEqual([{ name: 'killed.jsonl', line: 4 }]);
    expect(merged.summary.notes).toContain('killed.jsonl: line 4 is cut short (its writer stopped mid-line); the complete lines before it are kept');
    // The same damage before the last line is an error, naming it.
    const damaged = await mergeError({ 'damaged.jsonl': `${header()}\n${result().slice(0, 40)}\n${result()}\n` });
    expect(damaged.message).toMatch(/^damaged\.jsonl:2: Expected portpick JSON lines/);
  });

  it('unites the names given as targets', async () => {
    const merged = await mergeJsonLines([
      { name: 'a', content: `${header({ hostnames: { '198.18.0.1': ['a.lab.test'] } })}\n` },
      { name: 'b', content: `${header({ hostnames: { '198.18.0.1': ['b.lab.test', 'a.lab.test'], '198.18.0.2': ['c.lab.test'] } })}\n` },
    ]);
    expect(merged.meta.hostnames).toEqual({ '198.18.0.1': ['a.lab.test', 'b.lab.test'], '198.18.0.2': ['c.lab.test'] });
  });

  it('accepts a file without summary line, and says the run was cut short', async () => {
    const merged = await mergeJsonLines([{ name: 'cut.jsonl', content: `${header()}\n${result()}\n` }]);
    expect(merged.results.length).toBe(1);
    expect(merged.summary.interrupted).toBe(true);
    expect(merged.summary.notes.some((n) => n.startsWith('cut.jsonl has no summary line'))).toBe(true);
  });

  it('reports a shard present twice', async () => {
    const a = `${header({ shard: { index: 1, count: 2 } })}\n${result()}\n`;
    const merged = await mergeJsonLines([
      { name: 'a.jsonl', content: a },
      { name: 'b.jsonl', content: a },
    ]);
    expect(merged.shards).toEqual({ count: 2, seen: [1], missing: [0], repeated: [1] });
  });

  it('unites port lists and targets of unsharded runs', async () => {
    const merged = await mergeJsonLines([
      { name: 'a.jsonl', content: `${header({ ports: '22,80-82' })}\n` },
      { name: 'b.jsonl', content: `${header({ ports: '23,83,443', targets: ['2001:db8::/126'] })}\n` },
    ]);
    expect(merged.meta.ports).toBe('22-23,80-83,443');
    expect(merged.meta.targets).toEqual(['198.18.0.0/30', '2001:db8::/126']);
  });

  it('with an open-only input, sums the other counts from summaries and says so', async () => {
    const shard = readFileSync(SHARD_FILES[0]!, 'utf8');
    const openOnly = shard
      .split('\n')
      .filter((l) => !l.includes('"type":"result"') || l.includes('"state":"open"'))
      .join('\n')
      .replace('"resultFilter":"all"', '"resultFilter":"open"');
    const merged = await mergeJsonLines([{ name: 'open.jsonl', content: openOnly }]);
    expect(merged.resultFilter).toBe('open');
    const summary = JSON.parse(shard.split('\n').find((l) => l.includes('"type":"summary"'))!);
    expect(merged.summary.closed).toBe(summary.closed);
    expect(merged.summary.filtered).toBe(summary.filtered);
    expect(merged.summary.open).toBe(merged.results.length);
    expect(merged.summary.notes.some((n) => n.includes('only open results'))).toBe(true);
  });
});

describe('merge rejects input that is not portpick JSON lines, naming file:line', () => {
  it('plain text (masscan -oL style)', async () => {
    const e = await mergeError({ 'list.txt': '#masscan\nopen tcp 80 198.18.0.1 1709634030\n' });
    expect(e.message).toMatch(/^list\.txt:1: Expected portpick JSON lines \(schema portpick\.scan\/1\)/);
    expect([e.file, e.line]).toEqual(['list.txt', 1]);
  });

  it('a JSON array document (masscan -oJ style) and foreign JSON objects', async () => {
    expect((await mergeError({ 'm.json': '[\n{"ip": "198.18.0.1"}\n]\n' })).message).toMatch(/^m\.json:1: /);
    expect((await mergeError({ 'n.jsonl': '{"ip": "198.18.0.1", "ports": []}\n' })).message).toBe(
      'n.jsonl:1: Expected `schema` to be `portpick.scan/1`, got no `schema` field',
    );
  });

  it('another schema version', async () => {
    const e = await mergeError({ 'v2.jsonl': header({ schema: 'portpick.scan/2' }) });
    expect(e.message).toBe('v2.jsonl:1: Expected `schema` to be `portpick.scan/1`, got `portpick.scan/2` (written by another portpick version?)');
  });

  it('lines out of order', async () => {
    expect((await mergeError({ 'a.jsonl': result() })).message).toMatch(/^a\.jsonl:1: Expected the first line to be the header/);
    expect((await mergeError({ 'b.jsonl': `${header()}\n\n${header()}` })).message).toMatch(/^b\.jsonl:3: Expected one header line/);
    const summaryLine = render('jsonl', JSON.parse(header()), [], {
      engine: 'connect', engineReason: '', planned: 0, sent: 0, answered: 0, retried: 0, silent: 0, sendErrors: 0, receiveDrops: 0,
      invalidReplies: 0, localDeferrals: 0, completed: 0, open: 0, closed: 0, filtered: 0, unreachable: 0, hostsUp: 0,
      startedAt: '2024-03-05T10:00:00.000Z', durationMs: 0, ratePerSecond: 0, interrupted: false, seed: '7', shard: { index: 0, count: 1 }, notes: [],
    }).end;
    expect((await mergeError({ 'c.jsonl': `${header()}\n${summaryLine}${result()}\n` })).message).toMatch(/^c\.jsonl:3: Expected nothing after the summary line/);
  });

  it('malformed fields', async () => {
    const cases: Array<[string, RegExp]> = [
      [result({ port: 70000 }), /^f:2: Expected `port` to be an integer from 1 to 65535, got `70000`$/],
      [result({ state: 'open|filtered' }), /^f:2: Expected `state` to be one of open, closed, filtered, unreachable, got `"open\|filtered"`$/],
      [result({ address: '2001:DB8::1', family: 6 }), /^f:2: Expected `address` to be an IPv6 address in RFC 5952 form/],
      [result({ address: '198.18.0.1', family: 6 }), /^f:2: Expected `address` to be an IPv6 address/],
      [result({ rttMs: -1 }), /^f:2: Expected `rttMs` to be a number ≥ 0 or null/],
      [result({ tarpit: 'yes' }), /^f:2: Expected `tarpit` to be true or false/],
    ];
    for (const [line, message] of cases) expect((await mergeError({ f: `${header()}\n${line}` })).message).toMatch(message);
    expect((await mergeError({ f: header({ ports: '80,22' }) })).message).toMatch(/^f:1: Expected `ports` in canonical form/);
    expect((await mergeError({ f: header({ shard: { index: 4, count: 4 } }) })).message).toMatch(/^f:1: Expected `shard` to be/);
    const openOnly = `${header({ resultFilter: 'open' })}\n${result({ state: 'closed', reason: 'refused' })}`;
    expect((await mergeError({ f: openOnly })).message).toMatch(/^f:2: Expected only open results/);
  });

  it('shards of different sweeps', async () => {
    const a = header({ shard: { index: 0, count: 2 } });
    expect((await mergeError({ a, b: header({ shard: { index: 1, count: 3 } }) })).message).toBe(
      'b:1: Expected every input to be a shard of the same sweep as a; the shard count differs: expected `2`, got `3`',
    );
    expect((await mergeError({ a, b: header({ shard: { index: 1, count: 2 }, seed: '8' }) })).message).toMatch(/^b:1: .*the seed differs/);
  });

  it('nothing to merge, an empty file, a missing file', async () => {
    await expect(mergeJsonLines([])).rejects.toThrow(ScanOutputParseError);
    expect((await mergeError({ 'empty.jsonl': '\n' })).message).toBe('empty.jsonl: Expected portpick JSON lines (schema portpick.scan/1), got an empty file');
    await expect(mergeJsonLinesFiles([fixture('no-such-file.jsonl')])).rejects.toThrow(FileAccessError);
    await expect(mergeJsonLinesFiles([fileURLToPath(new URL('.', import.meta.url))])).rejects.toThrow(FileAccessError);
  });
});
