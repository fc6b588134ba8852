import { cachedFile, resolveCacheDir } from '../registry/cache.js';
import { BROWSER_UNSAFE_PORTS } from '../registry/browser-unsafe.js';
import { ephemeralRanges } from '../registry/ephemeral.js';
import { loadIanaFile } from '../registry/iana-load.js';
import { loadIanaSnapshot } from '../registry/iana-snapshot.js';
import { loadListeners } from '../registry/listeners.js';
import type { IanaRegistry, LoadedSources } from '../registry/loaded-sources.js';
import { loadNmapServices } from '../registry/nmap-services.js';
import { loadReservations } from '../registry/reservations.js';
import { loadOsReservedPorts } from '../registry/os-reserved-ports.js';
import { loadServicesFile } from '../registry/services-file.js';
import { loadWellKnownDefaults } from '../registry/well-known-defaults.js';
import type { SourceLoadResult } from '../registry/source-result.js';
import type { SourceStatus } from '../registry/types.js';
import type { OrgSource } from '../registry/inventory/org-source.js';
import { findReservationFile } from '../registry/locate.js';
import { noOrgStatus } from '../registry/inventory/org-status.js';

export interface LoadSourcesOptions {
  /** An IANA registry file (official CSV or XML) to use instead of the cache / shipped snapshot. */
  ianaFile?: string;
  /** `--nmap-services FILE`. */
  nmapServicesFile?: string;
  /** `--services FILE` instead of the system services file. */
  servicesFile?: string;
  /** `--reservations FILE`; otherwise `.portpick.{json,yaml,yml}` is searched from `cwd` upwards. */
  reservationsFile?: string;
  /** Where the reservation search starts (default: the current directory). */
  cwd?: string;
  /** Read this machine's listening sockets (default true). */
  listeners?: boolean;
  /** portpick's cache directory (default: PORTPICK_CACHE_DIR or the platform's cache dir). */
  cacheDir?: string;
  /** `--defaults FILE`: a well-known defaults file (the dataset's format) instead of the one shipped. */
  defaultsFile?: string;
  /**
   * `--org DIR`: directories of the organisation's code, inventoried for the
   * ports they declare (relative to `cwd`). The configuration file's `org:`
   * list (the reservation file, given or found) is added to them.
   */
  orgDirs?: string[];
}

/**
 * Loads every source the port picker uses, concurrently. Sources that are absent
 * come back as null with a status that says the check was not made and how to
 * make it; a source file that exists but is malformed throws RegistryParseError.
 */
export async function loadSources(options: LoadSourcesOptions = {}): Promise<LoadedSources> {
  const cacheOptions = options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir };
  const [iana, nmap, services, listeners, reservations, ephemeral, defaults, osReserved, org] = await Promise.all([
    loadIana(options),
    loadNmapServices({
      ...cacheOptions,
      ...(options.nmapServicesFile === undefined ? {} : { file: options.nmapServicesFile }),
    }),
    loadServicesFile(options.servicesFile === undefined ? {} : { file: options.servicesFile }),
    options.listeners === false ? Promise.resolve(skippedListeners()) : loadListeners(),
    loadReservations({
      ...(options.reservationsFile === undefined ? {} : { file: options.reservationsFile }),
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    }),
    ephemeralRanges(),
    loadWellKnownDefaults(options.defaultsFile === undefined ? {} : { file: options.defaultsFile }),
    loadOsReservedPorts(),
    loadOrg(options),
  ]);
  const own = ephemeral.find((range) => range.os === 'this machine');
  const status: SourceStatus[] = [
    {
      id: 'iana',
      available: true,
      origin: iana.origin,
      entries: iana.entryCount,
      ...(iana.updated === undefined ? {} : { updated: iana.updated }),
    },
    nmap.status,
    defaults.status,
    services.status,
    listeners.status,
    reservations.status,
    org.status,
    osReserved.status,
    {
      id: 'ephemeral',
      available: true,
      origin: own ? own.source : 'OS defaults (this machine\'s range unreadable)',
      entries: ephemeral.length,
      note: ephemeral.map((range) => `${range.os} ${range.start}-${range.end}`).join(', '),
    },
    {
      id: 'browser-unsafe',
      available: true,
      origin: 'Fetch standard "bad ports" list (built in)',
      entries: BROWSER_UNSAFE_PORTS.length,
    },
  ];
  return {
    iana,
    nmap: nmap.index,
    services: services.index,
    listeners: listeners.index,
    reservations: reservations.index,
    ephemeral,
    defaults: defaults.index,
    osReserved: osReserved.reserved,
    org: org.org,
    status,
  };
}

/**
 * The IANA registry: a file the user names; else the official CSV stored by
 * `portpick update` when it is at least as new as the shipped snapshot; else the snapshot.
 */
async function loadIana(options: LoadSourcesOptions): Promise<IanaRegistry> {
  const cacheOptions = options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir };
  const fileOptions = { derivedCacheDir: resolveCacheDir(cacheOptions) };
  if (options.ianaFile !== undefined) return loadIanaFile(options.ianaFile, fileOptions);
  const snapshot = loadIanaSnapshot();
  const cached = await cachedFile('iana', cacheOptions);
  if (cached === null) return snapshot;
  const fromCache = await loadIanaFile(cached.path, fileOptions);
  return (fromCache.updated ?? '') >= (snapshot.updated ?? '') ? fromCache : snapshot;
}

/**
 * The organisation's code: `--org` directories and the configuration file's
 * `org:` list. The inventory (and the `yaml` package it reads with) is loaded
 * only when there is a directory to read.
 */
async function loadOrg(options: LoadSourcesOptions): Promise<{ org: OrgSource | null; status: SourceStatus }> {
  const configFile = options.reservationsFile ?? (await findReservationFile(options.cwd));
  const configDirs = configFile === null ? [] : (await import('../registry/inventory/org-config.js')).readOrgDirectories(configFile);
  const dirs = options.orgDirs ?? [];
  if (dirs.length === 0 && configDirs.length === 0) return { org: null, status: noOrgStatus() };
  const { loadOrgSource } = await import('../registry/inventory/org-source.js');
  return loadOrgSource({ dirs, configDirs, ...(options.cwd === undefined ? {} : { cwd: options.cwd }) });
}

function skippedListeners(): SourceLoadResult {
  return {
    index: null,
    status: {
      id: 'listeners',
      available: false,
      origin: 'skipped',
      entries: 0,
      note: 'skipped on request (--no-listeners): local listeners were NOT checked',
    },
  };
}
