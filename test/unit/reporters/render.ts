/** Runs a reporter over a whole scan and keeps every chunk, to test streaming as well as the final text. */
import { createReporter } from '../../../src/scan/reporters/index.js';
import type { ReporterOptions, ScanMeta } from '../../../src/scan/reporters/reporter.js';
import type { ScanResult, ScanSummary } from '../../../src/scan/types.js';

export interface Rendered {
  begin: string;
  results: string[];
  end: string;
  text: string;
}

export function render(format: string, meta: ScanMeta, results: readonly ScanResult[], summary: ScanSummary, options: ReporterOptions = {}): Rendered {
  const reporter = createReporter(format, options);
  const begin = reporter.begin(meta);
  const chunks = results.map((r) => reporter.result(r));
  const end = reporter.end(summary);
  return { begin, results: chunks, end, text: begin + chunks.join('') + end };
}
