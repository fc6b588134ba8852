import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { required } from './required.js';

/** Repository root (this file is test/helpers/registry-files.ts). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The real registry files the tests read. Only the IANA CSV is in the
 * repository (public domain); nmap-services comes from the machine's nmap
 * package (never copied: Nmap licence), the services file from the system.
 */
export const registryFiles = {
  /** The official IANA CSV, kept in the repository (data/iana/README.md). */
  ianaCsv: join(repoRoot, 'data', 'iana', 'service-names-port-numbers.csv'),
  /** nmap-services as an nmap package installed it; `PORTPICK_TEST_NMAP_SERVICES` names another. */
  nmapServices: findNmapServices(),
  /** The system's services file (Debian: package netbase). */
  etcServices: '/etc/services',
};

function findNmapServices(): string {
  const candidates = [
    process.env.PORTPICK_TEST_NMAP_SERVICES,
    '/usr/share/nmap/nmap-services',
    '/usr/local/share/nmap/nmap-services',
    '/opt/homebrew/share/nmap/nmap-services',
  ].filter((path): path is string => Boolean(path));
  return candidates.find((path) => existsSync(path)) ?? (candidates[0] as string);
}

/**
 * True when nmap-services is installed. Reading this (rather than importing the
 * path alone) is what marks a test file as needing it: skipped visibly without
 * it, a failure under PORTPICK_TEST_STRICT=1.
 */
export function hasNmapServices(): boolean {
  return required(existsSync(registryFiles.nmapServices), `nmap-services (looked for ${registryFiles.nmapServices})`, 'apt-get install nmap, or set PORTPICK_TEST_NMAP_SERVICES=FILE');
}

/** True when the system has a services file (Debian: package netbase). */
export function hasEtcServices(): boolean {
  return required(existsSync(registryFiles.etcServices), registryFiles.etcServices, 'apt-get install netbase');
}
