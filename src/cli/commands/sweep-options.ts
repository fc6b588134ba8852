import type { Command } from 'commander';
import { InvalidArgumentError } from '../../errors/index.js';
import type { NetworkSweepOptions } from '../../api/network-sweep.js';
import type { ScanMode } from '../../scan/engine-choice.js';
import { collect } from './source-options.js';

/** Engine and pacing flags shared by `scan` and the --network sweeps of check / suggest. */
export function addSweepOptions(command: Command): Command {
  return command
    .option('--mode <mode>', 'engine: auto (SYN when privileged), syn, connect, connect-ts (TypeScript fallback)', 'auto')
    .option('--rate <n>', 'probes per second ceiling (0 = none)')
    .option('--timeout <ms>', 'per-try timeout in milliseconds', '1000')
    .option('--retries <n>', 'extra tries for probes that got no answer', '1')
    .option('--exclude <targets>', 'addresses/CIDR/ranges never to probe (comma-separated, repeatable)', collect)
    .option('--exclude-file <file>', 'file of exclusions (repeatable)', collect);
}

export interface SweepFlags {
  mode: string;
  rate?: string;
  timeout: string;
  retries: string;
  exclude?: string[];
  excludeFile?: string[];
}

/** Turns flag text into numbers, refusing anything that is not exactly a number. */
export function sweepOptionsFrom(flags: SweepFlags): NetworkSweepOptions {
  return {
    mode: flags.mode as ScanMode,
    ...(flags.rate === undefined ? {} : { rate: numberFlag('--rate', flags.rate) }),
    timeoutMs: numberFlag('--timeout', flags.timeout),
    retries: numberFlag('--retries', flags.retries),
    ...(flags.exclude ? { exclude: flags.exclude.flatMap(splitList) } : {}),
    ...(flags.excludeFile ? { excludeFiles: flags.excludeFile } : {}),
  };
}

export function numberFlag(name: string, text: string): number {
  if (!/^\d+(\.\d+)?$/.test(text.trim())) {
    throw new InvalidArgumentError(`Expected ${name} to be a non-negative number, got \`${text}\``);
  }
  return Number(text);
}

export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}
