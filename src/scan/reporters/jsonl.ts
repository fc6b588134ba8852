/**
 * JSON lines: one JSON object per line, schema `portpick.scan/1`
 * (docs/jsonl-schema.md). A header line with the scan's metadata, one line per
 * result as it comes, a summary line at the end. Every line carries `type` and
 * `schema`, so a single line read alone (grep, jq) is self-describing.
 */
import type { ScanResult, ScanSummary } from '../types.js';
import { appendResultLines } from './jsonl-bytes.js';
import { formatResultLine, JSONL_SCHEMA } from './jsonl-line.js';
import type { Reporter, ScanMeta } from './reporter.js';

export { JSONL_SCHEMA, formatResultLine } from './jsonl-line.js';

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

export function createJsonLinesReporter(options: { openOnly?: boolean } = {}): Reporter {
  const filter: JsonLinesResultFilter = options.openOnly ? 'open' : 'all';
  return {
    format: 'jsonl',
    begin: (meta) => `${JSON.stringify(jsonLinesHeader(meta, filter))}\n`,
    result: formatResultLine,
    resultBytes: appendResultLines,
    end: (summary) => `${JSON.stringify(jsonLinesSummary(summary))}\n`,
  };
}
