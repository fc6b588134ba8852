/**
 * What scan() hands its consumer per engine batch: the engine's records and the
 * indexes of those reported (all of them, or only the open ones of an open-only
 * sweep). Results stay packed records until someone asks for an object, so a
 * consumer that writes bytes straight from the records (JSON lines,
 * reporters/jsonl.ts) never makes one.
 */
import { DecodedBatch, type RecordBatch } from './decode.js';
import type { ScanResult } from './types.js';

export class ReportedBatch {
  /**
   * @param records the engine's batch (owned: the engine never reuses its memory)
   * @param indexes ascending indexes into `records` of the reported results
   */
  constructor(
    readonly records: RecordBatch,
    readonly indexes: Uint32Array,
  ) {}

  /** How many results are reported. */
  get length(): number {
    return this.indexes.length;
  }

  /** The `index`-th reported result as an object (made on each call). */
  result(index: number): ScanResult {
    const recordIndex = this.indexes[index];
    if (recordIndex === undefined) throw new RangeError(`Expected a result index below ${this.indexes.length}, got ${index}`);
    return this.records.result(recordIndex);
  }

  /** Every reported result as objects. */
  results(): ScanResult[] {
    return Array.from({ length: this.indexes.length }, (_, index) => this.result(index));
  }

  /** A batch reporting all of `results` (positions are their indexes): for engines and tests that already hold objects. */
  static ofResults(results: readonly ScanResult[]): ReportedBatch {
    const records = new DecodedBatch(results.map((result, position) => ({ result, position })));
    return new ReportedBatch(records, Uint32Array.from(results.keys()));
  }
}
