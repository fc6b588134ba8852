import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file is test/helpers/shared-data.ts). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** ../shared/data beside the checkout: real registry files, read in place, never copied. */
export const sharedDataDir = resolve(repoRoot, '..', 'shared', 'data');

export const sharedData = {
  ianaCsv: join(sharedDataDir, 'iana-service-names-port-numbers.csv'),
  nmapServices: join(sharedDataDir, 'nmap-services'),
  etcServicesDebian: join(sharedDataDir, 'etc-services-debian'),
};

/** True when ../shared/data is present; tests that need it skip visibly otherwise. */
export const hasSharedData = existsSync(sharedData.ianaCsv) && existsSync(sharedData.nmapServices);

if (!hasSharedData) {
  console.warn(`[portpick tests] ${sharedDataDir} is absent: tests against the real registry files are SKIPPED.`);
}
