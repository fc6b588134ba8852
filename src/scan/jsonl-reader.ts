/**
 * Reads back portpick JSON lines (schema `portpick.scan/1`, docs/jsonl-schema.md)
 * and validates every line: a file that is not ours, of another schema
 * version, out of order or with a malformed field is rejected with a
 * ScanOutputParseError naming `file:line` and saying what was expected.
 *
 * Blank lines are ignored. A file without a summary line is accepted (the run
 * was cut short) and reported as such: `summary` is undefined. A last line
 * that is not JSON at all is taken for a line the writer did not finish (a
 * killed process, a full disk): every complete line before it is kept, and
 * `truncatedLine` names it. The same damage anywhere else is an error.
 */
import { ScanOutputParseError } from '../errors/scan-output-parse-error.js';
import { formatIPv6, parseIPv4, parseIPv6 } from './addresses.js';
import { JSONL_SCHEMA, type JsonLinesResultFilter } from './reporters/jsonl.js';
import { parsePortList } from './reporters/port-list.js';
import type { ScanMeta } from './reporters/reporter.js';
import type { ScanEngineName, ScanPortState, ScanReason, ScanResult, ScanSummary } from './types.js';

export interface JsonLinesInput {
  /** Names the input in errors and notes (usually its path). */
  name: string;
  /** The whole text, or its lines one per item (line terminators removed, as readline yields them). */
  content: string | Iterable<string> | AsyncIterable<string>;
}

export interface JsonLinesDocument {
  name: string;
  meta: ScanMeta;
  resultFilter: JsonLinesResultFilter;
  /** Line number of the header (for errors about the file as a whole). */
  headerLine: number;
  results: ScanResult[];
  summary: ScanSummary | undefined;
  /** The number of a last line cut short (not JSON), dropped; undefined when the file ends whole. */
  truncatedLine?: number;
}

const STATES: readonly ScanPortState[] = ['open', 'closed', 'filtered', 'unreachable'];
const ENGINES: readonly ScanEngineName[] = ['syn', 'connect', 'connect-ts'];
const REASONS: readonly ScanReason[] = [
  'syn-ack',
  'reset',
  'connected',
  'refused',
  'timeout',
  'host-unreachable',
  'net-unreachable',
  'admin-prohibited',
  'port-unreachable',
  'icmp',
  'unknown',
];
const SUMMARY_COUNTERS = [
  'planned',
  'sent',
  'answered',
  'retried',
  'silent',
  'sendErrors',
  'receiveDrops',
  'invalidReplies',
  'localDeferrals',
  'completed',
  'open',
  'closed',
  'filtered',
  'unreachable',
  'hostsUp',
] as const;

type JsonObject = Record<string, unknown>;

/** Validates fields of one parsed line; every failure names the file, line and field. */
class LineChecker {
  constructor(
    private readonly object: JsonObject,
    private readonly file: string,
    private readonly line: number | undefined,
  ) {}

  fail(message: string): never {
    throw new ScanOutputParseError(message, this.file, this.line);
  }

  private show(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value);
    return `\`${text.length > 60 ? `${text.slice(0, 57)}...` : text}\``;
  }

  string(key: string): string {
    const value = this.object[key];
    if (typeof value !== 'string') this.fail(`Expected \`${key}\` to be a string, got ${this.show(value)}`);
    return value;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T {
    const value = this.object[key];
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail(`Expected \`${key}\` to be one of ${allowed.join(', ')}, got ${this.show(value)}`);
    }
    return value as T;
  }

  integer(key: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.object[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(`Expected \`${key}\` to be an integer from ${min} to ${max}, got ${this.show(value)}`);
    }
    return value;
  }

  finite(key: string, min: number): number {
    const value = this.object[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
      this.fail(`Expected \`${key}\` to be a number ≥ ${min}, got ${this.show(value)}`);
    }
    return value;
  }

  boolean(key: string): boolean {
    const value = this.object[key];
    if (typeof value !== 'boolean') this.fail(`Expected \`${key}\` to be true or false, got ${this.show(value)}`);
    return value;
  }

  strings(key: string): string[] {
    const value = this.object[key];
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      this.fail(`Expected \`${key}\` to be an array of strings, got ${this.show(value)}`);
    }
    return value as string[];
  }

  time(key: string): string {
    const value = this.string(key);
    if (!Number.isFinite(Date.parse(value))) this.fail(`Expected \`${key}\` to be an ISO 8601 time, got ${this.show(value)}`);
    return value;
  }

  seed(key: string): string {
    const value = this.string(key);
    if (!/^(0|[1-9][0-9]*)$/.test(value) || BigInt(value) >= 1n << 64n) {
      this.fail(`Expected \`${key}\` to be a 64-bit unsigned integer in decimal, got ${this.show(value)}`);
    }
    return value;
  }

  /** An object of address → list of names. */
  hostnames(key: string): Record<string, string[]> {
    const value = this.object[key];
    const ok =
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      Object.values(value).every((names) => Array.isArray(names) && names.every((name) => typeof name === 'string'));
    if (!ok) this.fail(`Expected \`${key}\` to be an object of address → list of names, got ${this.show(value)}`);
    return { ...(value as Record<string, string[]>) };
  }

  shard(key: string): { index: number; count: number } {
    const value = this.object[key];
    const shard = value as { index?: unknown; count?: unknown } | null;
    const ok =
      typeof value === 'object' &&
      shard !== null &&
      Number.isInteger(shard.count) &&
      Number.isInteger(shard.index) &&
      (shard.count as number) >= 1 &&
      (shard.index as number) >= 0 &&
      (shard.index as number) < (shard.count as number);
    if (!ok) this.fail(`Expected \`${key}\` to be {"index": i, "count": n} with 0 ≤ i < n, got ${this.show(value)}`);
    return { index: shard.index as number, count: shard.count as number };
  }
}

function checkHeader(c: LineChecker, object: JsonObject): { meta: ScanMeta; resultFilter: JsonLinesResultFilter } {
  const ports = c.string('ports');
  try {
    parsePortList(ports);
  } catch (error) {
    c.fail(`Expected \`ports\` in canonical form like \`22,80,8000-8100\`, got \`${ports}\``);
  }
  const meta: ScanMeta = {
    args: c.strings('args'),
    startedAt: c.time('startedAt'),
    targets: c.strings('targets'),
    ports,
    engine: c.oneOf('engine', ENGINES),
    seed: c.seed('seed'),
    shard: c.shard('shard'),
    version: c.string('version'),
  };
  if (object.addressCount !== undefined) meta.addressCount = c.integer('addressCount', 0);
  if (object.hostnames !== undefined) meta.hostnames = c.hostnames('hostnames');
  return { meta, resultFilter: c.oneOf('resultFilter', ['all', 'open'] as const) };
}

function checkResult(c: LineChecker, object: JsonObject): ScanResult {
  const address = c.string('address');
  const family = c.integer('family', 4, 6);
  if (family === 4) {
    if (parseIPv4(address) === null) c.fail(`Expected \`address\` to be a dotted-quad IPv4 address (family 4), got \`${address}\``);
  } else {
    const v6 = parseIPv6(address);
    if (family !== 6 || v6 === null || formatIPv6(v6) !== address) {
      c.fail(`Expected \`address\` to be an IPv6 address in RFC 5952 form (family 6), got \`${address}\` (family ${family})`);
    }
  }
  const rtt = object.rttMs;
  if (rtt !== null && (typeof rtt !== 'number' || !Number.isFinite(rtt) || rtt < 0)) {
    c.fail(`Expected \`rttMs\` to be a number ≥ 0 or null, got \`${JSON.stringify(rtt)}\``);
  }
  const result: ScanResult = {
    address,
    family: family as 4 | 6,
    port: c.integer('port', 1, 65535),
    protocol: c.oneOf('protocol', ['tcp'] as const),
    state: c.oneOf('state', STATES),
    reason: c.oneOf('reason', REASONS),
    rttMs: rtt as number | null,
    tries: c.integer('tries', 0),
    engine: c.oneOf('engine', ENGINES),
  };
  if (object.tarpit !== undefined) result.tarpit = c.boolean('tarpit');
  return result;
}

function checkSummary(c: LineChecker, object: JsonObject): ScanSummary {
  const counters = {} as Record<(typeof SUMMARY_COUNTERS)[number], number>;
  for (const key of SUMMARY_COUNTERS) counters[key] = c.integer(key, 0);
  const rate = object.ratePerSecond;
  const summary: ScanSummary = {
    engine: c.oneOf('engine', ENGINES),
    engineReason: c.string('engineReason'),
    ...counters,
    startedAt: c.time('startedAt'),
    durationMs: c.finite('durationMs', 0),
    // JSON has no NaN: a zero-length run may have written null here; merge recomputes the rate anyway.
    ratePerSecond: rate === null ? 0 : c.finite('ratePerSecond', 0),
    interrupted: c.boolean('interrupted'),
    seed: c.seed('seed'),
    shard: c.shard('shard'),
    notes: c.strings('notes'),
  };
  if (object.finalRate !== undefined && object.finalRate !== null) summary.finalRate = c.finite('finalRate', 0);
  return summary;
}

/**
 * Validates a summary or result object found elsewhere than in a JSON lines
 * file (a resume file carries them); errors name `origin` and the field.
 */
export function checkSummaryObject(value: unknown, origin: string): ScanSummary {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ScanOutputParseError(`Expected a summary object, got ${JSON.stringify(value)?.slice(0, 40) ?? String(value)}`, origin);
  }
  return checkSummary(new LineChecker(value as JsonObject, origin, undefined), value as JsonObject);
}

export function checkResultObject(value: unknown, origin: string): ScanResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ScanOutputParseError(`Expected a result object, got ${JSON.stringify(value)?.slice(0, 40) ?? String(value)}`, origin);
  }
  return checkResult(new LineChecker(value as JsonObject, origin, undefined), value as JsonObject);
}

/** Parses and validates one JSON lines input. */
export async function readJsonLines(input: JsonLinesInput): Promise<JsonLinesDocument> {
  const file = input.name;
  let document: JsonLinesDocument | undefined;
  // A line that is not JSON: an error if any line follows it, a cut-short end if none does.
  let unparsed: { line: number; error: ScanOutputParseError } | null = null;
  const handleLine = (line: number, text: string): void => {
    if (text.trim() === '') return;
    if (unparsed) throw unparsed.error;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      const shown = text.length > 40 ? `${text.slice(0, 37)}...` : text;
      unparsed = {
        line,
        error: new ScanOutputParseError(
          `Expected portpick JSON lines (schema ${JSONL_SCHEMA}): one JSON object per line, got \`${shown}\``,
          file,
          line,
          { cause: error },
        ),
      };
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ScanOutputParseError(`Expected a JSON object per line, got \`${text.slice(0, 40)}\``, file, line);
    }
    const object = parsed as JsonObject;
    const c = new LineChecker(object, file, line);
    if (object.schema !== JSONL_SCHEMA) {
      const got = typeof object.schema === 'string' ? `\`${object.schema}\`` : 'no `schema` field';
      const hint = typeof object.schema === 'string' && object.schema.startsWith('portpick.scan/') ? ' (written by another portpick version?)' : '';
      c.fail(`Expected \`schema\` to be \`${JSONL_SCHEMA}\`, got ${got}${hint}`);
    }
    const type = c.oneOf('type', ['header', 'result', 'summary'] as const);
    if (!document) {
      if (type !== 'header') c.fail(`Expected the first line to be the header (\`"type":"header"\`), got a ${type} line`);
      const { meta, resultFilter } = checkHeader(c, object);
      document = { name: file, meta, resultFilter, headerLine: line, results: [], summary: undefined };
      return;
    }
    if (type === 'header') c.fail(`Expected one header line, at the top (line ${document.headerLine}); got another`);
    if (document.summary) c.fail(`Expected nothing after the summary line; got a ${type} line`);
    if (type === 'result') {
      const result = checkResult(c, object);
      if (document.resultFilter === 'open' && result.state !== 'open') {
        c.fail(`Expected only open results (the header says \`"resultFilter":"open"\`), got state \`${result.state}\``);
      }
      document.results.push(result);
    } else {
      document.summary = checkSummary(c, object);
    }
  };
  const stripCr = (text: string): string => (text.endsWith('\r') ? text.slice(0, -1) : text);
  let line = 0;
  // A whole text is read synchronously: an await per line would cost more than the parsing.
  if (typeof input.content === 'string') {
    for (const text of input.content.split('\n')) handleLine(++line, stripCr(text));
  } else {
    for await (const text of input.content) handleLine(++line, stripCr(text));
  }
  const cut = unparsed as { line: number; error: ScanOutputParseError } | null;
  if (cut && !document) throw cut.error; // not even a header: not a portpick file
  if (!document) throw new ScanOutputParseError(`Expected portpick JSON lines (schema ${JSONL_SCHEMA}), got an empty file`, file);
  if (cut) document.truncatedLine = cut.line;
  return document;
}
