/**
 * JSON lines: one JSON object per line, schema `portpick.scan/1`
 * (docs/jsonl-schema.md). A header line with the scan's metadata, one line per
 * result as it comes, a summary line at the end. Every line carries `type` and
 * `schema`, so a single line read alone (grep, jq) is self-describing.
 *
 * A result line is JSON.stringify of jsonLinesResult; results the native
 * engines report are written byte by byte from their packed records instead
 * (no object, no string per result), which a test holds to the same text. That
 * writer stays because a sweep can report hundreds of thousands of results
 * (docs/architecture.md gives the measurement).
 */
import { RECORD, RECORD_FLAG_TARPIT, RESULT_RECORD_BYTES } from '../../native.js';
import { formatIPv6, readIPv6Bytes } from '../addresses.js';
import { NativeRecordBatch, REASON_BY_CODE, STATE_BY_CODE } from '../decode.js';
import type { ScanResult, ScanSummary } from '../types.js';
import type { Reporter, ScanMeta } from './reporter.js';

export const JSONL_SCHEMA = 'portpick.scan/1';

/** Which results a JSON lines file holds: every decided probe, or only open ones. */
export type JsonLinesResultFilter = 'all' | 'open';

export function jsonLinesHeader(meta: ScanMeta, resultFilter: JsonLinesResultFilter): Record<string, unknown> {
  const line: Record<string, unknown> = {
    type: 'header',
    schema: JSONL_SCHEMA,
    resultFilter,
    args: meta.args,
    startedAt: meta.startedAt,
    targets: meta.targets,
    ports: meta.ports,
    engine: meta.engine,
    seed: meta.seed,
    shard: { index: meta.shard.index, count: meta.shard.count },
    version: meta.version,
  };
  if (meta.addressCount !== undefined) line.addressCount = meta.addressCount;
  if (meta.hostnames !== undefined) line.hostnames = meta.hostnames;
  return line;
}

/** A result line's object; fields in a fixed order, `tarpit` only when set. */
export function jsonLinesResult(result: ScanResult): Record<string, unknown> {
  const line: Record<string, unknown> = {
    type: 'result',
    schema: JSONL_SCHEMA,
    address: result.address,
    family: result.family,
    port: result.port,
    protocol: result.protocol,
    state: result.state,
    reason: result.reason,
    rttMs: result.rttMs,
    tries: result.tries,
    engine: result.engine,
  };
  if (result.tarpit !== undefined) line.tarpit = result.tarpit;
  return line;
}

export function jsonLinesSummary(summary: ScanSummary): Record<string, unknown> {
  return { type: 'summary', schema: JSONL_SCHEMA, ...summary };
}

/** One result's line. */
export function resultLine(result: ScanResult): string {
  return `${JSON.stringify(jsonLinesResult(result))}\n`;
}

export function createJsonLinesReporter(options: { openOnly?: boolean } = {}): Reporter {
  const filter: JsonLinesResultFilter = options.openOnly ? 'open' : 'all';
  // Reused batch after batch: a new buffer per batch costs its page faults again.
  let buffer = Buffer.allocUnsafe(0);
  return {
    format: 'jsonl',
    begin: (meta) => `${JSON.stringify(jsonLinesHeader(meta, filter))}\n`,
    result: resultLine,
    resultBytes(batch) {
      if (!(batch.records instanceof NativeRecordBatch)) return Buffer.from(batch.results().map(resultLine).join(''), 'utf8');
      const needed = batch.indexes.length * MAX_LINE_BYTES;
      if (buffer.length < needed) buffer = Buffer.allocUnsafe(Math.max(needed, 2 * buffer.length));
      return buffer.subarray(0, writeRecordLines(batch.records, batch.indexes, buffer));
    },
    end: (summary) => `${JSON.stringify(jsonLinesSummary(summary))}\n`,
  };
}

/** The longest result line: an IPv6 address (45 characters at most), 10-digit numbers, the longest words, tarpit. */
const MAX_LINE_BYTES = 384;

const encoder = new TextEncoder();
/** The bytes of plain ASCII text (every string here is). */
const ascii = (text: string): Uint8Array => encoder.encode(text);

const LINE_START = ascii(`{"type":"result","schema":"${JSONL_SCHEMA}","address":"`);
const FAMILY_4 = ascii('","family":4,"port":');
const FAMILY_6 = ascii('","family":6,"port":');
const RTT_NULL = ascii('null');
const TRIES = ascii(',"tries":');

/** `,"protocol":"tcp","state":"<state>","reason":"` per state code. */
const STATE_PART = new Map<number, Uint8Array>(
  [...STATE_BY_CODE].map(([code, state]) => [code, ascii(`,"protocol":"tcp","state":"${state}","reason":"`)]),
);
/** `<reason>","rttMs":` per reason code; codes without a name read 'unknown', as NativeRecordBatch.result does. */
const UNKNOWN_REASON_PART = ascii('unknown","rttMs":');
const REASON_PART: Uint8Array[] = Array.from({ length: 256 }, () => UNKNOWN_REASON_PART);
for (const [code, reason] of REASON_BY_CODE) REASON_PART[code] = ascii(`${reason}","rttMs":`);

/** `0`..`255` as ASCII digits, 4 bytes per entry: length, then up to three digits. */
const OCTETS = new Uint8Array(256 * 4);
for (let value = 0; value < 256; value += 1) {
  const digits = String(value);
  OCTETS[value * 4] = digits.length;
  for (let i = 0; i < digits.length; i += 1) OCTETS[value * 4 + 1 + i] = digits.charCodeAt(i);
}

/**
 * Writes the result lines of records `indexes` into `bytes` (at least
 * MAX_LINE_BYTES per index), byte by byte from the records; returns the length.
 */
function writeRecordLines(records: NativeRecordBatch, indexes: Uint32Array, bytes: Uint8Array): number {
  const engineEnd = ascii(`,"engine":"${records.engine}"}\n`);
  const engineTarpitEnd = ascii(`,"engine":"${records.engine}","tarpit":true}\n`);
  const source = records.records;
  const view = new DataView(source.buffer, source.byteOffset, source.byteLength);
  let at = 0;
  for (let i = 0; i < indexes.length; i += 1) {
    const base = (indexes[i] as number) * RESULT_RECORD_BYTES;
    bytes.set(LINE_START, at);
    at += LINE_START.length;
    const family = source[base + RECORD.family];
    if (family === 4) {
      at = writeIPv4(bytes, at, source, base + RECORD.address);
      bytes.set(FAMILY_4, at);
      at += FAMILY_4.length;
    } else {
      const text = formatIPv6(readIPv6Bytes(source, base + RECORD.address));
      for (let c = 0; c < text.length; c += 1) bytes[at++] = text.charCodeAt(c);
      bytes.set(FAMILY_6, at);
      at += FAMILY_6.length;
    }
    at = writeDecimal(bytes, at, view.getUint16(base + RECORD.port, true));
    const statePart = STATE_PART.get(source[base + RECORD.state] as number) as Uint8Array; // checked by NativeRecordBatch
    bytes.set(statePart, at);
    at += statePart.length;
    const reasonPart = REASON_PART[source[base + RECORD.reason] as number] as Uint8Array;
    bytes.set(reasonPart, at);
    at += reasonPart.length;
    const rttMicros = view.getUint32(base + RECORD.rttMicros, true);
    if (rttMicros === 0xffffffff) {
      bytes.set(RTT_NULL, at);
      at += RTT_NULL.length;
    } else {
      at = writeMillis(bytes, at, rttMicros);
    }
    bytes.set(TRIES, at);
    at += TRIES.length;
    at = writeDecimal(bytes, at, source[base + RECORD.tries] as number);
    const end = view.getUint16(base + RECORD.flags, true) & RECORD_FLAG_TARPIT ? engineTarpitEnd : engineEnd;
    bytes.set(end, at);
    at += end.length;
  }
  return at;
}

function writeIPv4(bytes: Uint8Array, at: number, source: Uint8Array, offset: number): number {
  for (let octet = 0; octet < 4; octet += 1) {
    if (octet > 0) bytes[at++] = 0x2e; // '.'
    const entry = (source[offset + octet] as number) * 4;
    const length = OCTETS[entry] as number;
    for (let d = 1; d <= length; d += 1) bytes[at++] = OCTETS[entry + d] as number;
  }
  return at;
}

/** A non-negative integer (below 2^32) in decimal. */
function writeDecimal(bytes: Uint8Array, at: number, value: number): number {
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits += 1;
  let rest = value;
  for (let i = digits - 1; i >= 0; i -= 1) {
    bytes[at + i] = 0x30 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return at + digits;
}

/**
 * microseconds / 1000 as JavaScript prints that number: the integer part, then
 * up to three decimals without trailing zeros. String(k / 1000) is exactly this
 * for any integer k below 2^32 (k / 1000 is the double nearest that decimal, and
 * no shorter decimal rounds to it).
 */
function writeMillis(bytes: Uint8Array, at: number, micros: number): number {
  at = writeDecimal(bytes, at, Math.floor(micros / 1000));
  const fraction = micros % 1000;
  if (fraction === 0) return at;
  bytes[at++] = 0x2e; // '.'
  const hundreds = Math.floor(fraction / 100);
  const tens = Math.floor(fraction / 10) % 10;
  const ones = fraction % 10;
  bytes[at++] = 0x30 + hundreds;
  if (tens !== 0 || ones !== 0) bytes[at++] = 0x30 + tens;
  if (ones !== 0) bytes[at++] = 0x30 + ones;
  return at;
}
