import type { Command } from 'commander';
import { InvalidArgumentError } from '../../errors/index.js';
import type { NetworkSweepOptions } from '../../api/network-sweep.js';
import type { ScanMode } from '../../scan/engine-choice.js';
import { collect } from './source-options.js';

/**
 * Engine, pacing and exclusion flags shared by `scan` and the --network sweeps
 * of check / suggest (docs/scan.md lists them with their nmap equivalents).
 */
export function addSweepOptions(command: Command): Command {
  return command
    .option('--mode <mode>', 'engine: auto (SYN when privileged), syn, connect, connect-ts (TypeScript fallback)', 'auto')
    .option('--rate <n>', 'probes per second at most (0 = no ceiling); default: adaptive, at most 10,000/s beyond this host\'s links')
    .option('--max-rate <n>', 'same as --rate (nmap\'s name)')
    .option('--min-rate <n>', 'nmap\'s floor: raises the default ceiling to at least N and lets a wide sweep start (no floor is held; see docs/scan.md)')
    .option('--timeout <ms>', 'per-try timeout in milliseconds', '1000')
    .option('--retries <n>', 'extra tries for probes that got no answer', '1')
    .option('--exclude <targets>', 'addresses/CIDR/ranges never to probe (comma-separated, repeatable)', collect)
    .option('--exclude-file <file>', 'file of exclusions (repeatable)', collect)
    .option('--excludefile <file>', 'same as --exclude-file (nmap\'s name)', collect)
    .option('--no-default-excludes', 'also sweep 0.0.0.0/8, 224.0.0.0/4, 240.0.0.0/4, ::/128 and ff00::/8 inside wider targets');
}

export interface SweepFlags {
  mode: string;
  rate?: string;
  maxRate?: string;
  minRate?: string;
  timeout: string;
  retries: string;
  exclude?: string[];
  excludeFile?: string[];
  excludefile?: string[];
  defaultExcludes: boolean;
}

/** Turns flag text into numbers, refusing anything that is not exactly a number. */
export function sweepOptionsFrom(flags: SweepFlags): NetworkSweepOptions {
  const rate = flags.rate === undefined ? undefined : numberFlag('--rate', flags.rate);
  const maxRate = flags.maxRate === undefined ? undefined : numberFlag('--max-rate', flags.maxRate);
  if (rate !== undefined && maxRate !== undefined && rate !== maxRate) {
    throw new InvalidArgumentError(`Expected one ceiling, got --rate ${flags.rate} and --max-rate ${flags.maxRate} (they are the same flag)`);
  }
  const ceiling = rate ?? maxRate;
  const minRate = flags.minRate === undefined ? undefined : numberFlag('--min-rate', flags.minRate);
  if (minRate !== undefined && minRate < 1) throw new InvalidArgumentError(`Expected --min-rate to be at least 1, got \`${flags.minRate}\``);
  if (minRate !== undefined && ceiling !== undefined && ceiling > 0 && minRate > ceiling) {
    throw new InvalidArgumentError(`Expected --min-rate (${minRate}) to be at most the ceiling (${ceiling}), got a floor above it`);
  }
  const excludeFiles = [...(flags.excludeFile ?? []), ...(flags.excludefile ?? [])];
  return {
    mode: flags.mode as ScanMode,
    ...(ceiling === undefined ? {} : { rate: ceiling }),
    ...(minRate === undefined ? {} : { minRate }),
    timeoutMs: numberFlag('--timeout', flags.timeout),
    retries: numberFlag('--retries', flags.retries),
    ...(flags.exclude ? { exclude: flags.exclude.flatMap(splitList) } : {}),
    ...(excludeFiles.length > 0 ? { excludeFiles } : {}),
    ...(flags.defaultExcludes === false ? { defaultExcludes: false } : {}),
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
