import type { Protocol } from './types.js';

/**
 * A source the caller adds (library only): the organisation's CMDB, a service
 * catalogue, another team's inventory. It is judged like the built-in ones:
 * a port it names is a conflict in `check`, is never a candidate of
 * `suggest`/`pick`, is not free in `freePorts`, and is drawn by the map.
 */
export interface CustomSource {
  /**
   * The source's id in reports and in `consult`: lower-case letters, digits and
   * hyphens, starting with a letter; not the id of a built-in source or rule.
   */
  readonly name: string;
  /**
   * What holds (protocol, port); an empty list when nothing does. Synchronous,
   * and asked at every port of a range by suggest, freePorts and the map
   * (tens of thousands of calls): load the data first, answer from memory.
   */
  lookup(protocol: Protocol, port: number): readonly CustomSourceFinding[];
  /** Where the data came from, for reports (default `supplied by the caller`). */
  readonly origin?: string;
  /**
   * False when the data could not be had: reports then say the source was NOT
   * checked, `strict` fails, and naming it in `consult` is an error. Default true.
   */
  readonly available?: boolean;
  /** Why it is unavailable, or a caveat. */
  readonly note?: string;
}

export interface CustomSourceFinding {
  /** One sentence for people: what holds the port (`billing-api, team payments, in the CMDB`). */
  description: string;
  /** Anything else the caller wants in the JSON evidence (JSON-serialisable). */
  details?: Record<string, unknown>;
}
