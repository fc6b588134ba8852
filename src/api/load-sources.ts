import { cachedFile, resolveCacheDir } from '../registry/cache.js';
import { BROWSER_UNSAFE_PORTS } from '../registry/browser-unsafe.js';
import { DEFAULT_EPHEMERAL_RANGES, ephemeralRanges } from '../registry/ephemeral.js';
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
import type { CustomSource } from '../registry/custom-source.js';
import { InvalidArgumentError, SourceUnavailableError, describeValue } from '../errors/index.js';
import { BUILT_IN_RULES, notConsultedNote, parseSourceList, SELECTABLE_SOURCES } from '../pick/source-selection.js';
import { VERDICT_SOURCES } from '../pick/verdict.js';
import { DEFAULT_CUSTOM_ORIGIN } from '../pick/custom-verdict.js';
import { abortable, throwIfAborted } from './abort.js';
import { reservationsFromData, RESERVATIONS_DATA_ORIGIN, type ReservationInput } from './reservation-data.js';

/** Where the sources come from, which to consult, and the caller's own. */
export interface LoadSourcesOptions {
  /** An IANA registry file (official CSV or XML) to use instead of the cache / shipped snapshot. */
  ianaFile?: string;
  /** An nmap-services file to use instead of the cache's or the nmap installation's (`--nmap-services FILE`). */
  nmapServicesFile?: string;
  /** `--services FILE` instead of the system services file. */
  servicesFile?: string;
  /** `--reservations FILE`; otherwise `.portpick.{json,yaml,yml}` is searched from `cwd` upwards. */
  reservationsFile?: string;
  /**
   * Reservations as data (a reservation file's `reservations` list), used
   * instead of a file: no file is searched for. Not with `reservationsFile`.
   */
  reservations?: readonly ReservationInput[];
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
  /**
   * `--sources`: the sources to consult (`iana,nmap,defaults` or a list; see
   * src/pick/source-selection.ts), `iana` among them, plus the names of
   * `customSources` to consult. The others are not read and every report says
   * so; a source named that is unavailable throws SourceUnavailableError.
   * Default: every source.
   */
  consult?: string | readonly string[];
  /** Sources of the caller's own (a name and a lookup; src/registry/custom-source.ts), judged like the built-in ones. */
  customSources?: readonly CustomSource[];
  /** Stops the loading: the call rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Loads every source the port picker uses (or those `consult` names),
 * concurrently, once: pass the result as `sources` to many calls. Sources
 * that are absent come back as null with a status that says the check was
 * not made and how to make it.
 *
 * @param options Files to use instead of the defaults, the sources to consult, the caller's own sources.
 * @returns The loaded sources and one status per source (`status`).
 * @throws
 * - {@link RegistryParseError} for a source file that exists but is malformed.
 * - {@link FileAccessError} for a file named in the options that cannot be read.
 * - {@link SourceUnavailableError} when a source named in `consult` is unavailable.
 * - {@link InvalidArgumentError} for an option of the wrong shape (a custom source without `lookup`, reservations given both as a file and as data).
 * - the signal's reason when `signal` aborts.
 *
 * @example
 * ```ts
 * import { check, loadSources } from 'portpick';
 *
 * const sources = await loadSources({ consult: ['iana', 'nmap', 'defaults'] });
 * for (const port of [7400, 7401, 7402]) console.log(port, (await check({ sources, port, bindProbe: false })).overall);
 * ```
 */
export async function loadSources(options: LoadSourcesOptions = {}): Promise<LoadedSources> {
  const { signal } = options;
  throwIfAborted(signal);
  const custom = checkCustomSources(options.customSources);
  if (options.reservations !== undefined && options.reservationsFile !== undefined) {
    throw new InvalidArgumentError('Expected reservations as a file or as data, got both `reservationsFile` and `reservations`');
  }
  const reservationData = options.reservations === undefined ? undefined : reservationsFromData(options.reservations);
  const named = options.consult === undefined ? undefined : parseSourceList(options.consult, { customNames: custom.map((source) => source.name) });
  if (named?.includes('listeners') && options.listeners === false) {
    throw new InvalidArgumentError('Expected either listeners among the sources to consult or listeners skipped, got both');
  }
  const everything = [...SELECTABLE_SOURCES, ...custom.map((source) => source.name)];
  const consulted = (named ?? everything).filter((id) => !(id === 'listeners' && options.listeners === false));
  const consults = (id: string): boolean => consulted.includes(id);
  const skip = <T>(id: string, load: () => Promise<T>, left: T): Promise<T> => abortable(signal, consults(id) ? load() : Promise.resolve(left));

  const cacheOptions = options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir };
  const [iana, nmap, services, listeners, reservations, ephemeral, defaults, osReserved, org] = await Promise.all([
    abortable(signal, loadIana(options)),
    skip(
      'nmap',
      () =>
        loadNmapServices({
          ...cacheOptions,
          ...(options.nmapServicesFile === undefined ? {} : { file: options.nmapServicesFile }),
        }),
      leftOut('nmap'),
    ),
    skip('services', () => loadServicesFile(options.servicesFile === undefined ? {} : { file: options.servicesFile }), leftOut('services')),
    options.listeners === false ? Promise.resolve(skippedListeners()) : skip('listeners', () => loadListeners(), leftOut('listeners')),
    skip(
      'reservations',
      async () =>
        reservationData === undefined
          ? loadReservations({
              ...(options.reservationsFile === undefined ? {} : { file: options.reservationsFile }),
              ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
            })
          : {
              index: reservationData.index,
              status: { id: 'reservations' as const, available: true, origin: `${RESERVATIONS_DATA_ORIGIN} (${reservationData.count})`, entries: reservationData.index.size },
            },
      leftOut('reservations'),
    ),
    // Each OS's default range is built in and always applies; this machine's own range only when consulted.
    skip('ephemeral', () => ephemeralRanges(), [...DEFAULT_EPHEMERAL_RANGES]),
    skip(
      'defaults',
      () => loadWellKnownDefaults(options.defaultsFile === undefined ? {} : { file: options.defaultsFile }),
      { ...leftOut('defaults'), defaults: [] },
    ),
    skip('os-reserved', () => loadOsReservedPorts(), { reserved: null, status: leftOut('os-reserved').status }),
    skip('org', () => loadOrg(options), { org: null, status: leftOut('org').status }),
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
      origin: own ? own.source : consults('ephemeral') ? 'OS defaults (this machine\'s range unreadable)' : 'OS defaults',
      entries: ephemeral.length,
      note:
        ephemeral.map((range) => `${range.os} ${range.start}-${range.end}`).join(', ') +
        (consults('ephemeral') ? '' : "; this machine's own range is not among the sources to consult (--sources): NOT consulted"),
    },
    {
      id: 'browser-unsafe',
      available: true,
      origin: 'Fetch standard "bad ports" list (built in)',
      entries: BROWSER_UNSAFE_PORTS.length,
    },
    ...custom.map((source) => customStatus(source, consults(source.name))),
  ];
  const loaded: LoadedSources = {
    iana,
    nmap: nmap.index,
    services: services.index,
    listeners: listeners.index,
    reservations: reservations.index,
    ephemeral,
    defaults: defaults.index,
    osReserved: osReserved.reserved,
    org: org.org,
    ...(custom.length === 0 ? {} : { custom }),
    consulted,
    status,
  };
  if (named !== undefined) requireNamedSources(named, loaded, own !== undefined);
  return loaded;
}

/** A source the run does not consult: not read, and its status says so. */
function leftOut(id: 'nmap' | 'services' | 'listeners' | 'reservations' | 'defaults' | 'org' | 'os-reserved'): SourceLoadResult {
  return { index: null, status: { id, available: false, origin: 'not consulted', entries: 0, note: notConsultedNote(id) } };
}

/** Every source named in `consult` must have been had: a pick that is to be the same everywhere cannot pass on less. */
function requireNamedSources(named: readonly string[], loaded: LoadedSources, ownEphemeral: boolean): void {
  const missing: string[] = [];
  for (const id of named) {
    const status = loaded.status.find((entry) => entry.id === id);
    const unavailable = id === 'ephemeral' ? !ownEphemeral : status !== undefined && !status.available;
    if (unavailable) {
      const why = id === 'ephemeral' ? "this machine's ephemeral range could not be read" : (status?.note ?? status?.origin ?? 'unavailable');
      missing.push(`${id} (${why})`);
    }
  }
  if (missing.length > 0) {
    throw new SourceUnavailableError(
      `Expected every source named in the sources to consult to be available, got ${missing.length} that ${missing.length === 1 ? 'is' : 'are'} not: ${missing.join('; ')}`,
    );
  }
}

const CUSTOM_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const RESERVED_NAMES: ReadonlySet<string> = new Set<string>([...SELECTABLE_SOURCES, ...VERDICT_SOURCES, ...BUILT_IN_RULES, 'exclude']);
/** Reports keep one byte per port for the source that excludes it: room for this many of the caller's. */
const MAX_CUSTOM_SOURCES = 64;

function checkCustomSources(sources: readonly CustomSource[] | undefined): CustomSource[] {
  if (sources === undefined) return [];
  if (!Array.isArray(sources)) throw new InvalidArgumentError(`Expected \`customSources\` to be a list of sources, got ${describeValue(sources)}`);
  if (sources.length > MAX_CUSTOM_SOURCES) {
    throw new InvalidArgumentError(`Expected at most ${MAX_CUSTOM_SOURCES} custom sources, got ${sources.length}`);
  }
  const names = new Set<string>();
  return sources.map((source: unknown, position) => {
    const candidate = source as Partial<CustomSource> | null;
    const name = candidate?.name;
    if (typeof name !== 'string' || !CUSTOM_NAME.test(name)) {
      throw new InvalidArgumentError(
        `Expected custom source ${position + 1} to have a \`name\` of lower-case letters, digits and hyphens (a letter first, at most 32), got ${describeValue(name)}`,
      );
    }
    if (RESERVED_NAMES.has(name)) throw new InvalidArgumentError(`Expected custom source ${describeValue(name)} to have a name no built-in source uses, got a built-in one`);
    if (names.has(name)) throw new InvalidArgumentError(`Expected each custom source name once, got ${describeValue(name)} twice`);
    names.add(name);
    if (typeof candidate?.lookup !== 'function') {
      throw new InvalidArgumentError(`Expected custom source ${describeValue(name)} to have a \`lookup(protocol, port)\` function, got ${describeValue(candidate?.lookup)}`);
    }
    if (candidate.available !== undefined && typeof candidate.available !== 'boolean') {
      throw new InvalidArgumentError(`Expected custom source ${describeValue(name)} \`available\` to be a boolean, got ${describeValue(candidate.available)}`);
    }
    return source as CustomSource;
  });
}

function customStatus(source: CustomSource, consulted: boolean): SourceStatus {
  if (!consulted) return { id: source.name, available: false, origin: 'not consulted', entries: 0, note: notConsultedNote(source.name) };
  const available = source.available !== false;
  return {
    id: source.name,
    available,
    origin: source.origin ?? DEFAULT_CUSTOM_ORIGIN,
    entries: 0,
    ...(source.note !== undefined ? { note: source.note } : available ? {} : { note: `${source.name} says it is unavailable: NOT checked` }),
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
