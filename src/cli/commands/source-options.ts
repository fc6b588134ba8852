import type { Command } from 'commander';
import type { LoadSourcesOptions } from '../../api/load-sources.js';

/**
 * Flags shared by every command that consults the registry sources. A command
 * that does not read this machine's listeners (`free`) leaves out
 * `--no-listeners` rather than accept a flag it would ignore; `sources` is the
 * list of sources its `--sources` takes, for the help.
 */
export function addSourceOptions(command: Command, options: { listeners?: boolean; sources?: string } = {}): Command {
  command
    .option('--iana <file>', 'IANA registry file (official CSV or XML) instead of the cache/snapshot')
    .option('--nmap-services <file>', 'nmap-services file (default: cache after `portpick update`, then the nmap install)')
    .option('--services <file>', 'services file instead of the system one (/etc/services)')
    .option('--reservations <file>', 'organisation reservations (JSON/YAML); default: .portpick.{json,yaml,yml} here or above')
    .option('--defaults <file>', 'well-known product defaults file (the shipped dataset\'s format) instead of the shipped one')
    .option('--org <dir>', "the organisation's code: ports its compose files, manifests, Dockerfiles … declare conflict (repeatable; also `org:` in .portpick.yaml)", collect)
    .option('--sources <list>', `consult only these sources, each required (${options.sources ?? 'iana,nmap,defaults,services,listeners,bind,reservations,org,ephemeral,os-reserved,network'}); iana among them`);
  if (options.listeners !== false) command.option('--no-listeners', 'do not read the sockets listening on this machine');
  return command;
}

export interface SourceFlags {
  iana?: string;
  nmapServices?: string;
  services?: string;
  reservations?: string;
  defaults?: string;
  org?: string[];
  listeners?: boolean;
  sources?: string;
}

export function sourceOptionsFrom(flags: SourceFlags): LoadSourcesOptions {
  return {
    ...(flags.iana === undefined ? {} : { ianaFile: flags.iana }),
    ...(flags.nmapServices === undefined ? {} : { nmapServicesFile: flags.nmapServices }),
    ...(flags.services === undefined ? {} : { servicesFile: flags.services }),
    ...(flags.reservations === undefined ? {} : { reservationsFile: flags.reservations }),
    ...(flags.defaults === undefined ? {} : { defaultsFile: flags.defaults }),
    ...(flags.org === undefined ? {} : { orgDirs: flags.org }),
    ...(flags.listeners === false ? { listeners: false } : {}),
    ...(flags.sources === undefined ? {} : { consult: flags.sources }),
  };
}

/** Collects a repeatable option (`--network A --network B`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
