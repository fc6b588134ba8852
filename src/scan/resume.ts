/**
 * Resume state: what a sweep needs to continue where it stopped, and its file form (JSON).
 *
 * `fingerprint` is the plan's sha256 over targets, ports, seed and shard
 * (SweepPlan.fingerprint): resuming another plan is refused. `startPosition`
 * is the watermark (every shard-local position below it is done) and
 * `skipPositions` are the positions above it that are done too.
 */
// Synchronous fs: a resume file is small, and node:fs/promises would be one more module for every sweep to load.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { FileAccessError } from '../errors/file-access-error.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { describeValue } from '../errors/portpick-error.js';

export const RESUME_FORMAT = 'portpick-resume';
export const RESUME_VERSION = 1;

/**
 * What a later sweep needs to finish exactly the rest of this one (from the
 * handle's resumeState()); plain JSON, so it can be written to a file and
 * passed back as `resume`.
 */
export interface ResumeState {
  format: typeof RESUME_FORMAT;
  version: typeof RESUME_VERSION;
  /** The plan's fingerprint (ScanPlanInfo.fingerprint): resuming another plan is refused. */
  fingerprint: string;
  /** The permutation seed, decimal. */
  seed: string;
  shard: { index: number; count: number };
  /** Every shard-local position below this is done. */
  startPosition: number;
  /** Positions at or above `startPosition` that are done too. */
  skipPositions: number[];
  /** Informational: probes done and probes in the shard when the state was taken. */
  completed: number;
  shardTotal: number;
  /**
   * What the command line keeps for its reports (src/cli/print/resume-report.ts);
   * the library neither needs nor checks it.
   */
  report?: unknown;
}

/** Checks the shape of a resume state (from a file or a caller); InvalidArgumentError naming the field. */
export function validateResumeState(value: unknown, origin = 'resume state'): ResumeState {
  const fail = (what: string, got: unknown): never => {
    throw new InvalidArgumentError(`Expected ${origin} ${what}, got ${describeValue(got)}`);
  };
  if (typeof value !== 'object' || value === null) return fail('to be an object', value);
  const state = value as Record<string, unknown>;
  if (state.format !== RESUME_FORMAT) fail(`.format to be \`${RESUME_FORMAT}\``, state.format);
  if (state.version !== RESUME_VERSION) fail(`.version to be ${RESUME_VERSION}`, state.version);
  if (typeof state.fingerprint !== 'string' || !/^[0-9a-f]{64}$/.test(state.fingerprint)) fail('.fingerprint to be a sha256 hex string', state.fingerprint);
  if (typeof state.seed !== 'string' || !/^[0-9]{1,20}$/.test(state.seed) || BigInt(state.seed) >= 1n << 64n) {
    fail('.seed to be a decimal 64-bit unsigned integer', state.seed);
  }
  const shard = state.shard as Record<string, unknown> | undefined;
  if (
    typeof shard !== 'object' || shard === null ||
    !Number.isInteger(shard.index) || !Number.isInteger(shard.count) ||
    (shard.count as number) < 1 || (shard.index as number) < 0 || (shard.index as number) >= (shard.count as number)
  ) {
    fail('.shard to be {index, count} with 0 ≤ index < count', shard);
  }
  const isPosition = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 0;
  if (!isPosition(state.startPosition)) fail('.startPosition to be a non-negative integer', state.startPosition);
  if (!Array.isArray(state.skipPositions) || !state.skipPositions.every(isPosition)) {
    fail('.skipPositions to be an array of non-negative integers', state.skipPositions);
  }
  if (!isPosition(state.completed)) fail('.completed to be a non-negative integer', state.completed);
  if (!isPosition(state.shardTotal)) fail('.shardTotal to be a non-negative integer', state.shardTotal);
  return state as unknown as ResumeState;
}

/** Writes the state as JSON (atomically: a temporary file, then rename). */
export async function writeResumeFile(path: string, state: ResumeState): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, `${JSON.stringify(state)}\n`, 'utf8');
    renameSync(temporary, path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new FileAccessError(`Expected to write the resume file \`${path}\`, got ${code}`, path, { cause });
  }
}

export async function readResumeFile(path: string): Promise<ResumeState> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new FileAccessError(`Expected a readable resume file at \`${path}\`, got ${code}`, path, { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new InvalidArgumentError(`Expected the resume file \`${path}\` to hold JSON, got ${(cause as Error).message}`, { cause });
  }
  return validateResumeState(parsed, `the resume file \`${path}\``);
}

/**
 * `state` with `positions` counted as not done: for results that were decided
 * but never reached a report (a reader that stopped reading, a full disk), so
 * that the resumed run probes them again rather than losing them. A position
 * below the watermark lowers it to that position; everything between the new
 * and the old watermark that stays done joins the skip list.
 */
export function withoutPositions(state: ResumeState, positions: Iterable<number>): ResumeState {
  const removed = new Set<number>();
  for (const position of positions) if (Number.isSafeInteger(position) && position >= 0) removed.add(position);
  if (removed.size === 0) return state;
  const skips = new Set(state.skipPositions);
  let start = state.startPosition;
  let undone = 0;
  for (const position of removed) {
    if (position >= state.startPosition) {
      if (skips.delete(position)) undone += 1;
    } else {
      undone += 1;
      if (position < start) start = position;
    }
  }
  for (let position = start; position < state.startPosition; position += 1) if (!removed.has(position)) skips.add(position);
  return {
    ...state,
    startPosition: start,
    skipPositions: [...skips].sort((a, b) => a - b),
    completed: Math.max(0, state.completed - undone),
  };
}
