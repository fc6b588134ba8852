import type { Command } from 'commander';
import type { LoadSourcesOptions } from '../../api/load-sources.js';

/** Flags shared by every command that consults the registry sources. */
export function addSourceOptions(command: Command): Command {
  return command
    .option('--iana <file>', 'IANA registry file (official CSV or XML) instead of the cache/snapshot')
    .option('--nmap-services <file>', 'nmap-services file (default: cache after `portpick update`, then the nmap install)')
    .option('--services <file>', 'services file instead of the system one (/etc/services)')
    .option('--reservations <file>', 'organisation reservations (JSON/YAML); default: .portpick.{json,yaml,yml} here or above')
    .option('--no-listeners', 'do not read the sockets listening on this machine');
}

export interface SourceFlags {
  iana?: string;
  nmapServices?: string;
  services?: string;
  reservations?: string;
  listeners?: boolean;
}

export function sourceOptionsFrom(flags: SourceFlags): LoadSourcesOptions {
  return {
    ...(flags.iana === undefined ? {} : { ianaFile: flags.iana }),
    ...(flags.nmapServices === undefined ? {} : { nmapServicesFile: flags.nmapServices }),
    ...(flags.services === undefined ? {} : { servicesFile: flags.services }),
    ...(flags.reservations === undefined ? {} : { reservationsFile: flags.reservations }),
    ...(flags.listeners === false ? { listeners: false } : {}),
  };
}

/** Collects a repeatable option (`--network A --network B`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
