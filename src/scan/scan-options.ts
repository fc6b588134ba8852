/**
 * scan() options and their validation. Every bad option becomes a typed error
 * whose message says what was expected and what came; nothing is coerced.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { nodeCrypto } from '../node-crypto.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { describeValue } from '../errors/portpick-error.js';
import type { EntryIndex } from '../registry/entry-index.js';
import { SCAN_MODES, type ScanMode } from './engine-choice.js';
import type { Shard } from './plan.js';
import { validateResumeState, type ResumeState } from './resume.js';
import type { RateRequest } from './sweep-safety.js';
import type { HostLookup } from './targets.js';
import type { ScanProgress } from './types.js';

/** What {@link scan} takes: the targets, the ports, and how to sweep them. */
export interface ScanOptions {
  /** Target specs (addresses, CIDR blocks, ranges, hostnames); see targets.ts. */
  targets?: string | readonly string[];
  /** Files of targets (`-iL`). */
  targetFiles?: readonly string[];
  /** Targets to leave out (same forms as `targets`); nothing in them is probed. */
  exclude?: readonly string[];
  /** Files of exclusions; one that cannot be read or parsed stops the sweep before any probe. */
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
  /** `i/n` (1-based, as masscan's --shard 1/2) or {index, count} (0-based index, as zmap's --shard and $JOB_COMPLETION_INDEX). */
  shard?: string | Shard;
  /** Continue a sweep from its resumeState() / readResumeFile(). */
  resume?: ResumeState;
  /**
   * Probes per second ceiling; 0 = none. When absent, sweeps with targets beyond
   * this host's links get a ceiling of 10,000/s, and wide ones are refused
   * (sweep-safety.ts).
   */
  rate?: number;
  /**
   * nmap's --min-rate: raises the default ceiling to at least this and, like
   * `rate`, lets a wide sweep start. portpick's rate control holds no floor
   * (it slows down on measured loss to stay exact); the summary says so.
   */
  minRate?: number;
  /**
   * Skip the blocks where no host can answer (0.0.0.0/8, 224.0.0.0/4,
   * 240.0.0.0/4, ::/128, ff00::/8; special-addresses.ts) unless a target names
   * one explicitly. Default true.
   */
  defaultExcludes?: boolean;
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
  /** Stops the sweep as abort() does: the results so far stay, and the summary says `interrupted`. */
  signal?: AbortSignal;
  /** Called every `progressIntervalMs` while the sweep runs; a throw stops the sweep and rejects `summary` with it. */
  onProgress?: (progress: ScanProgress) => void;
  /** How often onProgress fires, ms (default 1000). */
  progressIntervalMs?: number;
  /** Results buffered ahead of a slow consumer before the TypeScript engine pauses (default 10,000). */
  highWaterMark?: number;
  /** Hostname resolver (default dns.lookup with all: true). */
  lookup?: HostLookup;
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
  /** The ceiling asked for, 0 when none; `rateRequest` tells given from absent. */
  rate: number;
  rateRequest: RateRequest;
  defaultExcludes: boolean;
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
  return nodeCrypto().randomBytes(8).readBigUInt64BE(0);
}

/**
 * Parses a shard: `i/n` is 1-based as masscan's `--shard 1/2` (shard 1 of 2 is
 * the first); an object {index, count} has a 0-based index, as zmap's
 * `--shards N --shard I` and Kubernetes' $JOB_COMPLETION_INDEX.
 */
export function parseShard(value: unknown): Shard {
  let index: number | undefined;
  let count: number | undefined;
  let text = false;
  if (typeof value === 'string') {
    text = true;
    const match = /^\s*([0-9]{1,9})\s*\/\s*([0-9]{1,9})\s*$/.exec(value);
    if (match) {
      index = Number(match[1]) - 1;
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
    if (text) {
      throw new InvalidArgumentError(
        `Expected \`shard\` as \`i/n\` with 1 ≤ i ≤ n (1-based, as masscan's --shard 1/2; zmap's 0-based form is --shards N --shard I), got ${describeValue(value)}`,
      );
    }
    const got = typeof value === 'object' && value !== null ? `\`${JSON.stringify(value)}\`` : describeValue(value);
    throw new InvalidArgumentError(`Expected \`shard\` as {index, count} with 0 ≤ index < count (0-based), got ${got}`);
  }
  return { index, count };
}

/** A shard as users write it: masscan's 1-based `i/n`. */
export function formatShard(shard: Shard): string {
  return `${shard.index + 1}/${shard.count}`;
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
        `Expected \`shard\` to match the resume state's shard ${formatShard(resume.shard)}, got \`${formatShard(shard)}\``,
      );
    }
  } else shard = resume ? { ...resume.shard } : { index: 0, count: 1 };

  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) fail('signal', 'an AbortSignal', options.signal);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') fail('onProgress', 'a function', options.onProgress);
  if (options.lookup !== undefined && typeof options.lookup !== 'function') fail('lookup', 'a function', options.lookup);
  if (options.dryRun !== undefined && typeof options.dryRun !== 'boolean') fail('dryRun', 'a boolean', options.dryRun);
  if (options.openOnly !== undefined && typeof options.openOnly !== 'boolean') fail('openOnly', 'a boolean', options.openOnly);
  if (options.defaultExcludes !== undefined && typeof options.defaultExcludes !== 'boolean') {
    fail('defaultExcludes', 'a boolean', options.defaultExcludes);
  }
  const rate = finiteNumber('rate', options.rate, 0, 0, 100_000_000, false);
  const minRate = options.minRate === undefined ? undefined : finiteNumber('minRate', options.minRate, 0, 1, 100_000_000, false);
  if (minRate !== undefined && options.rate !== undefined && rate > 0 && minRate > rate) {
    throw new InvalidArgumentError(`Expected \`minRate\` (${minRate}) to be at most \`rate\` (${rate}), got a floor above the ceiling`);
  }

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
    rate,
    rateRequest: { rate: options.rate === undefined ? undefined : rate, minRate },
    defaultExcludes: options.defaultExcludes ?? true,
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
  };
}
