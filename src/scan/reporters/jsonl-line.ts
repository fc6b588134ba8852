/**
 * The JSON lines schema name and the text of one result line: shared by the
 * reporter (jsonl.ts) and the byte writer (jsonl-bytes.ts), which must agree.
 */
import type { ScanResult } from '../types.js';

export const JSONL_SCHEMA = 'portpick.scan/1';

/**
 * The result line as text, written by hand for speed (results are the bulk of a
 * sweep's output; this is several times faster than JSON.stringify of
 * jsonLinesResult, and produces the same text — a test checks that). Strings
 * still go through JSON.stringify; numbers are checked to be finite because JSON
 * has no NaN.
 */
export function formatResultLine(r: ScanResult): string {
  const rtt = r.rttMs === null || !Number.isFinite(r.rttMs) ? 'null' : String(r.rttMs);
  const tarpit = r.tarpit === undefined ? '' : `,"tarpit":${r.tarpit ? 'true' : 'false'}`;
  return (
    `{"type":"result","schema":"${JSONL_SCHEMA}","address":${quoted(r.address)},"family":${r.family},"port":${r.port},` +
    `"protocol":${quoted(r.protocol)},"state":${quoted(r.state)},"reason":${quoted(r.reason)},` +
    `"rttMs":${rtt},"tries":${r.tries},"engine":${quoted(r.engine)}${tarpit}}\n`
  );
}

/** Text that needs no JSON escaping: address characters and the lowercase words of states, reasons and engines. */
const PLAIN_JSON_TEXT = /^[0-9A-Za-z.:%_-]*$/;

/** A JSON string literal; the common plain text without JSON.stringify (this runs once per field per result). */
function quoted(text: string): string {
  return PLAIN_JSON_TEXT.test(text) ? `"${text}"` : JSON.stringify(text);
}
