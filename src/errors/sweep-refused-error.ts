import { PortpickError } from './portpick-error.js';

/**
 * A sweep refused by the safety rules before any probe left: too wide towards
 * routed networks without an explicit rate (scan/sweep-safety.ts).
 * Its `code` is `ERR_SWEEP_REFUSED`.
 */
export class SweepRefusedError extends PortpickError {
  /** @internal The library makes these errors; callers catch them. */
  constructor(message: string) {
    super('ERR_SWEEP_REFUSED', message);
  }
}
