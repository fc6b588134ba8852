/**
 * scan() options and their validation. Every bad option becomes a typed error
 * whose message says what was expected and what came; nothing is coerced.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { describeValue } from '../errors/portpick-error.js';
import type { EntryIndex } from '../registry/entry-index.js';
import { SCAN_MODES, type EngineProbe, type ScanMode } from './engine-choice.js';
import type { Shard } from './plan.js';
import { validateResumeState, type ResumeState } from './resume.js';
import type { HostLookup } from './targets.js';
import type { ScanProgress } from './types.js';

export interface ScanOptions {
  /** Target specs (addresses, CIDR blocks, ranges, hostnames); see targets.ts. */
  targets?: string | readonly string[];
  /** Files of targets (`-iL`). */
  targetFiles?: readonly string[];
  exclude?: readonly string[];
  excludeFiles?: readonly string[];
  /** nmap-style spec (`22,80,8000-8100`) or a list of ports. Give this or topPorts. */
  ports?: string | readonly number[];
  /** The N TCP ports nmap-services ranks most often open; needs `nmapServices`. */
  topPorts?: number;
  /** The loaded nmap-services index (LoadedSources.nmap), for topPorts. */
  nmapServices?: EntryIndex | null;
  /** Engine: auto (default), syn, connect, connect-ts (force the TypeScript engine). */
  mode?: ScanMode;
  /** Permutation key, 64-bit unsigned (bigint, safe integer, or decimal string); random by default. */
  seed?: bigint | number | string;
  /** `i/n` (0-based index, as $JOB_COMPLETION_INDEX/N) or {index, count}. */
  shard?: string | Shard;
  /** Continue a sweep from its resumeState() / readResumeFile(). */
  resume?: ResumeState;
  /** Probes per second ceiling; 0 or absent = none. */
  rate?: number;
  /** Per-try timeout, ms (default 1000). */
  timeoutMs?: number;
  /** Extra tries for silent probes (default 1). */
  retries?: number;
  /** Probes in flight at most (connect engines); 0/absent = engine default. */
  window?: number;
  /** Plan only: count probes and estimate the duration, send nothing. */
  dryRun?: boolean;
  /**
   * Yield open results only (the summary still counts every probe). Closed and
   * filtered results are then never made into objects: the cheap way to sweep
   * many ports when only open ones matter.
   */
  openOnly?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: ScanProgress) => void;
  /** How often onProgress fires, ms (default 1000). */
  progressIntervalMs?: number;
  /** Results buffered ahead of a slow consumer before the TypeScript engine pauses (default 10,000). */
  highWaterMark?: number;
  /** Hostname resolver (default dns.lookup with all: true). */
  lookup?: HostLookup;
  /** Engine availability, for tests. */
  engineProbe?: EngineProbe;
}

export interface ValidatedScanOptions {
  targets: string[];
  targetFiles: string[];
  exclude: string[];
  excludeFiles: string[];
  ports: { kind: 'spec'; spec: string } | { kind: 'list'; ports: number[] } | { kind: 'top'; count: number };
  nmapServices: EntryIndex | null;
  mode: ScanMode;
  seed: bigint;
  /** True when the seed came from the options or the resume state, false when drawn at random. */
  seedGiven: boolean;
  shard: Shard;
  resume: ResumeState | null;
  rate: number;
  timeoutMs: number;
  retries: number;
  window: number;
  dryRun: boolean;
  openOnly: boolean;
  signal: AbortSignal | null;
  onProgress: ((progress: ScanProgress) => void) | null;
  progressIntervalMs: number;
  highWaterMark: number;
  lookup: HostLookup | undefined;
  engineProbe: EngineProbe | undefined;
}

export const DEFAULT_TIMEOUT_MS = 1000;
export const DEFAULT_RETRIES = 1;
const MAX_SEED = (1n << 64n) - 1n;

const fail = (name: string, expected: string, got: unknown): never => {
  throw new InvalidArgumentError(`Expected \`${name}\` to be ${expected}, got ${describeValue(got)}`);
};

function stringList(name: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) return fail(name, 'a list of strings', value);
  return [...(value as string[])];
}

function finiteNumber(name: string, value: unknown, fallback: number, min: number, max: number, integer: boolean): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    return fail(name, `${integer ? 'an integer' : 'a number'} from ${min} to ${max}`, value);
  }
  return value;
}

/** Parses a seed: bigint, safe non-negative integer, or decimal string, below 2^64. */
export function parseSeed(value: unknown): bigint {
  let seed: bigint | null = null;
  if (typeof value === 'bigint') seed = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) seed = BigInt(value);
  else if (typeof value === 'string' && /^[0-9]{1,20}$/.test(value)) seed = BigInt(value);
  if (seed === null || seed < 0n || seed > MAX_SEED) return fail('seed', 'an unsigned 64-bit integer (bigint, integer or decimal string)', value);
  return seed;
}

/** 64 random bits: the kernel's /dev/urandom where there is one (no node:crypto to load), else node:crypto. */
export function randomSeed(): bigint {
  const bytes = Buffer.alloc(8);
  try {
    const fd = openSync('/dev/urandom', 'r');
    try {
      if (readSync(fd, bytes, 0, 8, null) === 8) return bytes.readBigUInt64BE(0);
    } finally {
      closeSync(fd);
    }
  } catch {
    // No /dev/urandom (Windows): node:crypto below.
  }
  return randomBytes(8).readBigUInt64BE(0);
}

/** Parses `i/n` (0-based index, as Kubernetes $JOB_COMPLETION_INDEX/N) or {index, count}. */
export function parseShard(value: unknown): Shard {
  let index: number | undefined;
  let count: number | undefined;
  if (typeof value === 'string') {
    const match = /^\s*([0-9]{1,9})\s*\/\s*([0-9]{1,9})\s*$/.exec(value);
    if (match) {
      index = Number(match[1]);
      count = Number(match[2]);
    }
  } else if (typeof value === 'object' && value !== null) {
    const shard = value as Record<string, unknown>;
    if (Number.isInteger(shard.index) && Number.isInteger(shard.count)) {
      index = shard.index as number;
      count = shard.count as number;
    }
  }
  if (index === undefined || count === undefined || count < 1 || index < 0 || index >= count) {
    const got = typeof value === 'object' && value !== null ? `\`${JSON.stringify(value)}\`` : describeValue(value);
    throw new InvalidArgumentError(
      `Expected \`shard\` as \`i/n\` with 0 ≤ i < n (0-based, as $JOB_COMPLETION_INDEX/N), got ${got}`,
    );
  }
  return { index, count };
}

export function validateScanOptions(options: ScanOptions): ValidatedScanOptions {
  if (typeof options !== 'object' || options === null) return fail('options', 'an object', options);
  const targets = stringList('targets', options.targets);
  const targetFiles = stringList('targetFiles', options.targetFiles);
  if (targets.length === 0 && targetFiles.length === 0) {
    fail('targets', 'at least one target (or `targetFiles`)', options.targets);
  }
  let ports: ValidatedScanOptions['ports'];
  if (options.ports !== undefined && options.topPorts !== undefined) {
    throw new InvalidArgumentError('Expected either `ports` or `topPorts`, got both');
  }
  if (typeof options.ports === 'string') ports = { kind: 'spec', spec: options.ports };
  else if (Array.isArray(options.ports)) ports = { kind: 'list', ports: [...(options.ports as number[])] };
  else if (options.ports !== undefined) return fail('ports', 'a port spec string or a list of ports', options.ports);
  else if (options.topPorts !== undefined) {
    ports = { kind: 'top', count: finiteNumber('topPorts', options.topPorts, 0, 1, 65535, true) };
  } else {
    throw new InvalidArgumentError('Expected `ports` (e.g. `22,80,8000-8100`) or `topPorts`, got neither');
  }
  const mode = options.mode ?? 'auto';
  if (!SCAN_MODES.includes(mode)) fail('mode', SCAN_MODES.map((m) => `\`${m}\``).join(', '), mode);

  const resume = options.resume === undefined ? null : validateResumeState(options.resume, '`resume`');
  let seed: bigint;
  let seedGiven = true;
  if (options.seed !== undefined) {
    seed = parseSeed(options.seed);
    if (resume && BigInt(resume.seed) !== seed) {
      throw new InvalidArgumentError(`Expected \`seed\` to match the resume state's seed ${resume.seed}, got \`${seed}\``);
    }
  } else if (resume) seed = BigInt(resume.seed);
  else {
    seed = randomSeed();
    seedGiven = false;
  }
  let shard: Shard;
  if (options.shard !== undefined) {
    shard = parseShard(options.shard);
    if (resume && (resume.shard.index !== shard.index || resume.shard.count !== shard.count)) {
      throw new InvalidArgumentError(
        `Expected \`shard\` to match the resume state's shard ${resume.shard.index}/${resume.shard.count}, got \`${shard.index}/${shard.count}\``,
      );
    }
  } else shard = resume ? { ...resume.shard } : { index: 0, count: 1 };

  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) fail('signal', 'an AbortSignal', options.signal);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') fail('onProgress', 'a function', options.onProgress);
  if (options.lookup !== undefined && typeof options.lookup !== 'function') fail('lookup', 'a function', options.lookup);
  if (options.dryRun !== undefined && typeof options.dryRun !== 'boolean') fail('dryRun', 'a boolean', options.dryRun);
  if (options.openOnly !== undefined && typeof options.openOnly !== 'boolean') fail('openOnly', 'a boolean', options.openOnly);

  return {
    targets,
    targetFiles,
    exclude: stringList('exclude', options.exclude),
    excludeFiles: stringList('excludeFiles', options.excludeFiles),
    ports,
    nmapServices: options.nmapServices ?? null,
    mode,
    seed,
    seedGiven,
    shard,
    resume,
    rate: finiteNumber('rate', options.rate, 0, 0, 100_000_000, false),
    timeoutMs: finiteNumber('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS, 1, 600_000, true),
    retries: finiteNumber('retries', options.retries, DEFAULT_RETRIES, 0, 10, true),
    window: finiteNumber('window', options.window, 0, 0, 1_000_000, true),
    dryRun: options.dryRun ?? false,
    openOnly: options.openOnly ?? false,
    signal: options.signal ?? null,
    onProgress: options.onProgress ?? null,
    progressIntervalMs: finiteNumber('progressIntervalMs', options.progressIntervalMs, 1000, 10, 3_600_000, true),
    highWaterMark: finiteNumber('highWaterMark', options.highWaterMark, 10_000, 1, 100_000_000, true),
    lookup: options.lookup,
    engineProbe: options.engineProbe,
  };
}
