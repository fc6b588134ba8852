/**
 * `merge`: combines the JSON-lines outputs of several shards (or runs) into
 * one report — results de-duplicated, summaries added, missing shards named.
 *
 * Contracts:
 * - Every input is validated line by line (jsonl-reader.ts); a bad line stops
 *   the merge with a ScanOutputParseError naming `file:line` — except a last
 *   line cut short (a killed shard): the complete lines before it are kept, and
 *   `truncated` and the notes name it.
 * - Inputs must agree on the shard count. When it is above 1 they are shards
 *   of one sweep and must also agree on targets, ports and seed (otherwise the
 *   shards do not partition one plan and "missing shard" means nothing).
 *   Unsharded inputs (count 1) may come from different sweeps: targets are
 *   united, port lists united.
 * - One result per (address, port). When inputs disagree, the more decided
 *   state wins: open > closed > unreachable > filtered. Rationale: an answer
 *   beats silence (silence may be loss), a TCP answer from the host beats an
 *   ICMP error from a router, and open beats closed because portpick asks
 *   "is this port in use?", where missing a listener costs more than listing
 *   one that has since closed. Among equal states the first input wins; the
 *   tarpit flag is kept if any duplicate carries it.
 * - Summary: counters are summed; startedAt = earliest, durationMs = longest
 *   (shards run in parallel); rate = completed / duration; finalRate = sum
 *   when every input has one; interrupted if any input was (or lacks its
 *   summary line). State counts and hostsUp are recounted from the merged
 *   results when every input holds all results; when an input is open-only,
 *   `open` is recounted and the others are summed from the summaries (noted).
 *   The merged summary and meta say shard 0/1: they describe the union.
 * - Results come back sorted by address (IPv4, then IPv6) and port, so a
 *   merge's output does not depend on input order beyond tie-breaking.
 */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { FileAccessError } from '../errors/file-access-error.js';
import { ScanOutputParseError } from '../errors/scan-output-parse-error.js';
import { readJsonLines, type JsonLinesDocument, type JsonLinesInput } from './jsonl-reader.js';
import { sortResults } from './reporters/address-order.js';
import type { JsonLinesResultFilter } from './reporters/jsonl.js';
import { parsePortList } from './reporters/port-list.js';
import type { ScanMeta } from './reporters/reporter.js';
import type { ScanPortState, ScanResult, ScanSummary } from './types.js';

export type { JsonLinesInput } from './jsonl-reader.js';

/** Higher wins when two inputs report the same (address, port). */
export const STATE_PRECEDENCE: Readonly<Record<ScanPortState, number>> = { open: 3, closed: 2, unreachable: 1, filtered: 0 };

export interface MergeShardReport {
  /** The shard count every input declared. */
  count: number;
  /** Shard indexes present, ascending. */
  seen: number[];
  /** Shard indexes 0..count-1 that no input covers, ascending. */
  missing: number[];
  /** Shard indexes present in more than one input. */
  repeated: number[];
}

export interface MergeResult {
  /** For the report's begin(): the first input's args and version, the union of targets and ports, shard 0/1. */
  meta: ScanMeta;
  /** De-duplicated, sorted by address then port. */
  results: ScanResult[];
  summary: ScanSummary;
  shards: MergeShardReport;
  /** 'open' when any input held only open results (then so does the merge). */
  resultFilter: JsonLinesResultFilter;
  /** Results dropped as duplicates of an (address, port) already present. */
  duplicates: number;
  /** Inputs whose last line was cut short (dropped; the lines before it kept). */
  truncated: Array<{ name: string; line: number }>;
}

/** A shard as users name it: masscan's 1-based `i/n`, and zmap's 0-based index. */
export function shardName(index: number, count: number): string {
  return `${index + 1}/${count} (zmap --shard ${index})`;
}

function checkSameSweep(first: JsonLinesDocument, other: JsonLinesDocument): void {
  const fail = (what: string, expected: string, got: string): never => {
    throw new ScanOutputParseError(
      `Expected every input to be a shard of the same sweep as ${first.name}; ${what} differs: expected \`${expected}\`, got \`${got}\``,
      other.name,
      other.headerLine,
    );
  };
  if (other.meta.shard.count !== first.meta.shard.count) {
    fail('the shard count', String(first.meta.shard.count), String(other.meta.shard.count));
  }
  if (first.meta.shard.count === 1) return;
  if (other.meta.seed !== first.meta.seed) fail('the seed', first.meta.seed, other.meta.seed);
  if (other.meta.ports !== first.meta.ports) fail('the port list', first.meta.ports, other.meta.ports);
  const targetsA = first.meta.targets.join(' ');
  const targetsB = other.meta.targets.join(' ');
  if (targetsA !== targetsB) fail('the target list', targetsA, targetsB);
}

/** The union of canonical port lists, canonical again. */
function unitePortLists(lists: readonly string[]): string {
  const ranges = lists.flatMap((list) => parsePortList(list)).sort((a, b) => a.first - b.first);
  const merged: Array<{ first: number; last: number }> = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range.first <= last.last + 1) last.last = Math.max(last.last, range.last);
    else merged.push({ ...range });
  }
  if (merged.length === 1 && merged[0]?.first === 1 && merged[0].last === 65535) return '-';
  return merged.map((r) => (r.first === r.last ? String(r.first) : `${r.first}-${r.last}`)).join(',');
}

function unique<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

function shardReport(documents: readonly JsonLinesDocument[]): MergeShardReport {
  const count = documents[0]?.meta.shard.count ?? 1;
  const seenCount = new Map<number, number>();
  for (const d of documents) seenCount.set(d.meta.shard.index, (seenCount.get(d.meta.shard.index) ?? 0) + 1);
  const seen = [...seenCount.keys()].sort((a, b) => a - b);
  const missing: number[] = [];
  for (let i = 0; i < count; i += 1) if (!seenCount.has(i)) missing.push(i);
  const repeated = seen.filter((i) => (seenCount.get(i) ?? 0) > 1);
  return { count, seen, missing, repeated };
}

function dedupe(documents: readonly JsonLinesDocument[]): { results: ScanResult[]; duplicates: number } {
  const byKey = new Map<string, ScanResult>();
  let duplicates = 0;
  for (const document of documents) {
    for (const result of document.results) {
      const key = `${result.address}|${result.port}`;
      const kept = byKey.get(key);
      if (!kept) {
        byKey.set(key, { ...result });
        continue;
      }
      duplicates += 1;
      const tarpit = kept.tarpit === true || result.tarpit === true;
      const winner = STATE_PRECEDENCE[result.state] > STATE_PRECEDENCE[kept.state] ? { ...result } : kept;
      if (tarpit) winner.tarpit = true;
      byKey.set(key, winner);
    }
  }
  return { results: sortResults([...byKey.values()]), duplicates };
}

function mergeSummaries(
  documents: readonly JsonLinesDocument[],
  results: readonly ScanResult[],
  shards: MergeShardReport,
  duplicates: number,
): ScanSummary {
  const summaries = documents.flatMap((d) => (d.summary ? [d.summary] : []));
  const sum = (pick: (s: ScanSummary) => number): number => summaries.reduce((total, s) => total + pick(s), 0);
  const notes: string[] = [];
  const describe = (d: JsonLinesDocument): string => `${d.name} (shard ${shardName(d.meta.shard.index, d.meta.shard.count)})`;
  notes.push(`merged ${documents.length} inputs: ${documents.map(describe).join(', ')}`);
  if (shards.count > 1) {
    notes.push(
      shards.missing.length === 0
        ? `all ${shards.count} shards present`
        : `shards seen: ${shards.seen.map((i) => shardName(i, shards.count)).join(', ')}; missing: ${shards.missing.map((i) => shardName(i, shards.count)).join(', ')} — the merged results do not cover the whole sweep`,
    );
  }
  for (const index of shards.repeated) {
    const names = documents.filter((d) => d.meta.shard.index === index).map((d) => d.name);
    notes.push(`shard ${shardName(index, shards.count)} appears in ${names.length} inputs (${names.join(', ')})`);
  }
  if (duplicates > 0) notes.push(`${duplicates} duplicate results resolved by state precedence open > closed > unreachable > filtered`);
  for (const d of documents) {
    if (d.truncatedLine !== undefined) {
      notes.push(`${d.name}: line ${d.truncatedLine} is cut short (its writer stopped mid-line); the complete lines before it are kept`);
    }
    if (!d.summary) notes.push(`${d.name} has no summary line (its run did not finish): its counters are missing from the totals`);
  }

  const count = (state: ScanPortState): number => results.filter((r) => r.state === state).length;
  const allResults = documents.every((d) => d.resultFilter === 'all');
  const hostsUp = new Set(results.filter((r) => r.state === 'open' || r.state === 'closed').map((r) => r.address)).size;
  if (!allResults) {
    notes.push('an input holds only open results: closed, filtered, unreachable and hosts up are summed from the inputs\' summaries, not de-duplicated');
  }

  const engines = unique(summaries.map((s) => s.engine));
  if (engines.length > 1) notes.push(`inputs used different engines: ${engines.join(', ')}`);
  const seeds = unique(documents.map((d) => d.meta.seed));
  if (seeds.length > 1) notes.push(`inputs used different seeds: ${seeds.join(', ')}`);
  for (const s of summaries) notes.push(...s.notes.filter((n) => !notes.includes(n)));

  const startTimes = documents.map((d) => d.summary?.startedAt ?? d.meta.startedAt);
  const startedAt = startTimes.reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a));
  const durationMs = summaries.reduce((longest, s) => Math.max(longest, s.durationMs), 0);
  const completed = sum((s) => s.completed);
  const first = documents[0] as JsonLinesDocument;
  const summary: ScanSummary = {
    engine: summaries[0]?.engine ?? first.meta.engine,
    engineReason: unique(summaries.map((s) => s.engineReason)).join('; '),
    planned: sum((s) => s.planned),
    sent: sum((s) => s.sent),
    answered: sum((s) => s.answered),
    retried: sum((s) => s.retried),
    silent: sum((s) => s.silent),
    sendErrors: sum((s) => s.sendErrors),
    receiveDrops: sum((s) => s.receiveDrops),
    invalidReplies: sum((s) => s.invalidReplies),
    localDeferrals: sum((s) => s.localDeferrals),
    completed,
    open: count('open'),
    closed: allResults ? count('closed') : sum((s) => s.closed),
    filtered: allResults ? count('filtered') : sum((s) => s.filtered),
    unreachable: allResults ? count('unreachable') : sum((s) => s.unreachable),
    hostsUp: allResults ? hostsUp : sum((s) => s.hostsUp),
    startedAt,
    durationMs,
    ratePerSecond: durationMs > 0 ? completed / (durationMs / 1000) : 0,
    interrupted: summaries.length < documents.length || summaries.some((s) => s.interrupted),
    seed: first.meta.seed,
    shard: { index: 0, count: 1 },
    notes,
  };
  if (summaries.length === documents.length && summaries.every((s) => s.finalRate !== undefined)) {
    summary.finalRate = sum((s) => s.finalRate ?? 0);
  }
  return summary;
}

/** Merges already-opened JSON lines inputs (texts or line iterables). Throws ScanOutputParseError on bad input. */
/**
 * `portpick merge`: combines the JSON-lines outputs of several shards (or
 * runs) into one report, from text or lines in hand: one result per (address,
 * port), the more decided state winning (open > closed > unreachable >
 * filtered), summaries added, missing shards named.
 *
 * @param inputs Each output's name (for messages) and its content: the whole text, or its lines.
 * @returns The merged results sorted by address and port, the summed summary, and which shards were seen.
 * @throws {@link ScanOutputParseError} for a malformed line (naming `file:line`; a last line cut short is dropped and noted instead), or inputs that are not shards of one sweep.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { mergeJsonLines } from 'portpick';
 *
 * const merged = await mergeJsonLines(['a.jsonl', 'b.jsonl'].map((name) => ({ name, content: readFileSync(name, 'utf8') })));
 * if (merged.shards.missing.length > 0) console.error(`missing shards: ${merged.shards.missing.join(', ')}`);
 * ```
 */
export async function mergeJsonLines(inputs: readonly JsonLinesInput[]): Promise<MergeResult> {
  if (inputs.length === 0) throw new ScanOutputParseError('Expected at least one JSON lines input to merge, got none', '(merge)');
  const documents: JsonLinesDocument[] = [];
  for (const input of inputs) documents.push(await readJsonLines(input));
  const first = documents[0] as JsonLinesDocument;
  for (const other of documents.slice(1)) checkSameSweep(first, other);

  const shards = shardReport(documents);
  const { results, duplicates } = dedupe(documents);
  const summary = mergeSummaries(documents, results, shards, duplicates);
  const addressCounts = unique(documents.map((d) => d.meta.addressCount));
  const meta: ScanMeta = {
    args: first.meta.args,
    startedAt: summary.startedAt,
    targets: unique(documents.flatMap((d) => d.meta.targets)),
    ports: unitePortLists(documents.map((d) => d.meta.ports)),
    engine: summary.engine,
    seed: first.meta.seed,
    shard: { index: 0, count: 1 },
    version: first.meta.version,
  };
  // One plan (all shards of one sweep, or identical unsharded plans): its address count holds for the union.
  const hostnames: Record<string, string[]> = {};
  for (const d of documents) {
    for (const [address, names] of Object.entries(d.meta.hostnames ?? {})) {
      const kept = (hostnames[address] ??= []);
      for (const name of names) if (!kept.includes(name)) kept.push(name);
    }
  }
  if (Object.keys(hostnames).length > 0) meta.hostnames = hostnames;
  const samePlan = documents.every((d) => d.meta.targets.join(' ') === first.meta.targets.join(' '));
  const addressCount = addressCounts[0];
  if (samePlan && addressCounts.length === 1 && addressCount !== undefined) meta.addressCount = addressCount;
  const resultFilter: JsonLinesResultFilter = documents.every((d) => d.resultFilter === 'all') ? 'all' : 'open';
  const truncated = documents.flatMap((d) => (d.truncatedLine === undefined ? [] : [{ name: d.name, line: d.truncatedLine }]));
  return { meta, results, summary, shards, resultFilter, duplicates, truncated };
}

/** Lines of a file, read lazily (the stream opens when iteration starts); read errors become FileAccessError. */
async function* fileLines(path: string): AsyncGenerator<string> {
  const { createInterface } = await import('node:readline');
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  try {
    yield* lines;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw new FileAccessError(`Expected a readable JSON lines file, got \`${path}\` (${code})`, path, { cause: error });
  } finally {
    lines.close();
  }
}

/**
 * {@link mergeJsonLines} on files, each read line by line as a stream.
 *
 * @param paths The JSON-lines files that `portpick scan -oJ` (or `--format jsonl`) wrote.
 * @returns As {@link mergeJsonLines}.
 * @throws {@link FileAccessError} for a file that cannot be read; otherwise as {@link mergeJsonLines}.
 *
 * @example
 * ```ts
 * import { mergeJsonLinesFiles } from 'portpick';
 *
 * const { results, summary } = await mergeJsonLinesFiles(['shard-1.jsonl', 'shard-2.jsonl']);
 * ```
 */
export async function mergeJsonLinesFiles(paths: readonly string[]): Promise<MergeResult> {
  for (const path of paths) {
    try {
      await access(path);
    } catch (error) {
      throw new FileAccessError(`Expected a readable JSON lines file, got \`${path}\` (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`, path, {
        cause: error,
      });
    }
  }
  const inputs = paths.map((path) => ({ name: path, content: fileLines(path) }));
  return mergeJsonLines(inputs);
}
