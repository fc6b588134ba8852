import { PortpickError } from './portpick-error.js';

/**
 * A sweep refused by the safety rules before any probe left: too wide towards
 * routed networks without an explicit rate (scan/sweep-safety.ts).
 */
export class SweepRefusedError extends PortpickError {
  constructor(message: string) {
    super('ERR_SWEEP_REFUSED', message);
  }
}
