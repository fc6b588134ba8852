/**
 * createReporter(format, options): the one entry point the CLI and library
 * users need. It wraps the chosen format with the call-order contract
 * (begin → result* → end, each checked) and the `openOnly` filter.
 */
import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';
import { ReportedBatch } from '../reported-batch.js';
import { createCsvReporter } from './csv.js';
import { createGrepReporter } from './grep.js';
import { createJsonLinesReporter } from './jsonl.js';
import { createPortsReporter } from './ports.js';
import { REPORT_FORMATS, type ReportCarry, type ReportFormat, type Reporter, type ReporterOptions } from './reporter.js';
import { createTableReporter } from './table.js';
import { createXmlReporter } from './xml.js';

export type { ReportCarry, Reporter, ReporterOptions, ReportFormat, ScanMeta, ServiceNameLookup } from './reporter.js';
export { REPORT_FORMATS } from './reporter.js';
export { JSONL_SCHEMA } from './jsonl.js';
export { compareAddresses } from './address-order.js';

export function isReportFormat(value: unknown): value is ReportFormat {
  return typeof value === 'string' && (REPORT_FORMATS as readonly string[]).includes(value);
}

function createFormat(format: ReportFormat, options: ReporterOptions): Reporter {
  switch (format) {
    case 'table':
      return createTableReporter(options);
    case 'jsonl':
      return createJsonLinesReporter(options);
    case 'csv':
      return createCsvReporter();
    case 'xml':
      return createXmlReporter(options);
    case 'grep':
      return createGrepReporter(options);
    case 'ports':
      return createPortsReporter();
  }
}

export function createReporter(format: string, options: ReporterOptions = {}): Reporter {
  if (!isReportFormat(format)) {
    throw new InvalidArgumentError(`Expected a report format (${REPORT_FORMATS.join(', ')}), got \`${format}\``);
  }
  const inner = createFormat(format, options);
  let phase: 'new' | 'begun' | 'ended' = 'new';
  const expectPhase = (wanted: 'new' | 'begun', call: string): void => {
    if (phase === wanted) return;
    const order = phase === 'new' ? 'before begin()' : phase === 'begun' ? 'after begin()' : 'after end()';
    throw new InvalidArgumentError(`Expected reporter calls in the order begin(), result()…, end(); got ${call} ${order}`);
  };
  return {
    format,
    begin(meta) {
      expectPhase('new', 'begin()');
      phase = 'begun';
      return inner.begin(meta);
    },
    result(result) {
      expectPhase('begun', 'result()');
      if (options.openOnly && result.state !== 'open') return '';
      return inner.result(result);
    },
    ...(inner.resultBytes
      ? {
          resultBytes(batch: ReportedBatch) {
            expectPhase('begun', 'resultBytes()');
            return (inner.resultBytes as NonNullable<Reporter['resultBytes']>)(options.openOnly ? onlyOpen(batch) : batch);
          },
        }
      : {}),
    end(summary) {
      expectPhase('begun', 'end()');
      phase = 'ended';
      return inner.end(summary);
    },
    ...(inner.carry && inner.restore
      ? {
          carry: () => (inner.carry as NonNullable<Reporter['carry']>)(),
          restore(carried: ReportCarry) {
            expectPhase('begun', 'restore()');
            (inner.restore as NonNullable<Reporter['restore']>)(carried);
          },
        }
      : {}),
  };
}

/** The open results of `batch` (itself when every reported result is open). */
function onlyOpen(batch: ReportedBatch): ReportedBatch {
  const open = batch.indexes.filter((index) => batch.records.state(index) === 'open');
  return open.length === batch.indexes.length ? batch : new ReportedBatch(batch.records, open);
}
