import type { CheckPortsReport } from '../api/check.js';
import type { CheckReport } from '../pick/check.js';
import type { OverallVerdict } from '../pick/verdict.js';

/**
 * What `portpick check` exits with for a verdict: 0 free, 1 conflict or
 * (--strict) unchecked. Exit 2 (bad input, an unreadable file, a source
 * named in --sources that is unavailable) comes from the error path in
 * program.ts, never from here. The library reports only `overall`.
 */
export const CHECK_EXIT_CODE = { free: 0, conflict: 1, unchecked: 1 } as const satisfies Record<OverallVerdict, number>;

export type CheckExitCode = (typeof CHECK_EXIT_CODE)[OverallVerdict];

/** A port's report as `check --json` prints it (portpick.check/1): the library's report and the exit code it makes. */
export function checkReportWithExitCode(report: CheckReport): CheckReport & { exitCode: CheckExitCode } {
  return { ...report, exitCode: CHECK_EXIT_CODE[report.overall] };
}

/** Several ports (portpick.check-list/1): the command's exit code, and each port's report with its own. */
export function checkListWithExitCode(result: CheckPortsReport): {
  overall: OverallVerdict;
  exitCode: CheckExitCode;
  reports: (CheckReport & { exitCode: CheckExitCode })[];
} {
  return { overall: result.overall, exitCode: CHECK_EXIT_CODE[result.overall], reports: result.reports.map(checkReportWithExitCode) };
}
