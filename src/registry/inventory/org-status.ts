import type { SourceStatus } from '../types.js';

/** The status of the `org` source when no directory was given (kept apart so it costs no inventory module to report). */
export function noOrgStatus(): SourceStatus {
  return {
    id: 'org',
    available: false,
    origin: 'none',
    entries: 0,
    note: "no --org directory (nor an `org:` list in .portpick.yaml): ports in the organisation's own code were NOT checked",
  };
}
