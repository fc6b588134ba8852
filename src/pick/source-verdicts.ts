import type { EntryIndex } from '../registry/entry-index.js';
import type { IanaRegistry } from '../registry/loaded-sources.js';
import type { EphemeralRange, Protocol, RegistryEntry } from '../registry/types.js';
import { ephemeralRangesContaining, rangeOf } from './ranges.js';
import type { BindProbeResult, NetworkFinding } from './types.js';
import type {
  BindVerdict,
  BrowserUnsafeVerdict,
  EphemeralVerdict,
  IanaVerdict,
  ListenersVerdict,
  NetworkVerdict,
  NmapVerdict,
  RangeVerdict,
  ReservationsVerdict,
  ServicesVerdict,
} from './verdict.js';

/**
 * The rule of each source for one (protocol, port). Inputs are already
 * validated (check.ts does it). What conflicts, and why:
 *
 * | source         | conflict                          | warning                                  |
 * | -------------- | --------------------------------- | ---------------------------------------- |
 * | iana           | assigned, reserved, unknown (gap) | unassigned but unauthorized use reported |
 * | nmap           | open-frequency > 0                | listed with frequency 0 (never seen open)|
 * | services       | any entry                         |                                          |
 * | listeners      | anything listening                |                                          |
 * | bind           | any address in use                | bind denied (privileged / OS-excluded)   |
 * | reservations   | any reservation                   |                                          |
 * | ephemeral      |                                   | inside an OS ephemeral range             |
 * | range          | Dynamic (49152-65535)             | System (0-1023)                          |
 * | browser-unsafe | on the list, for an HTTP service  |                                          |
 * | network        | open on some swept host           | sweep incomplete                         |
 *
 * A missing source (null) is `not-checked`, never `ok`.
 */

const key = (protocol: Protocol, port: number): string => `${port}/${protocol}`;

export function ianaVerdict(iana: IanaRegistry, protocol: Protocol, port: number): IanaVerdict {
  const rows = iana.lookup(protocol, port);
  const state = iana.stateOf(protocol, port);
  // Names, status and descriptions come from the rows that decide the state (an
  // assignment inside an Unassigned range must not read "Unassigned").
  const deciding = rows.filter((row) => row.state === state);
  const names = unique(deciding.flatMap((row) => row.names));
  const statusText = unique(deciding.map((row) => row.extra.ianaStatusText).filter(isText));
  const descriptions = unique(deciding.map((row) => row.description).filter(isText));
  const unauthorizedUse = unique(rows.map((row) => row.extra.unauthorizedUse).filter(isText));
  const evidence = { state, names, statusText, descriptions, unauthorizedUse, origin: iana.origin, updated: iana.updated };
  const where = key(protocol, port);
  switch (state) {
    case 'assigned': {
      const who = names.length > 0 ? names.join(', ') : 'a service';
      const what = descriptions[0] !== undefined ? ` (${descriptions[0]})` : '';
      return { source: 'iana', status: 'conflict', summary: `IANA assigned ${where} to ${who}${what}.`, evidence };
    }
    case 'reserved':
      return {
        source: 'iana',
        status: 'conflict',
        summary: `IANA lists ${where} as ${statusText[0] ?? 'Reserved'}: not available for regular assignment.`,
        evidence,
      };
    case 'unknown':
      return {
        source: 'iana',
        status: 'conflict',
        summary:
          rangeOf(port).name === 'Dynamic'
            ? `IANA has no row for ${where}: Dynamic ports are never assigned.`
            : `IANA has no row for ${where}: a gap in the registry is not free.`,
        evidence,
      };
    case 'unassigned':
      if (unauthorizedUse.length > 0) {
        return {
          source: 'iana',
          status: 'warning',
          summary: `IANA lists ${where} as Unassigned, but reports unauthorized use: ${unauthorizedUse.join('; ')}.`,
          evidence,
        };
      }
      return { source: 'iana', status: 'ok', summary: `IANA lists ${where} as Unassigned.`, evidence };
  }
}

export function nmapVerdict(nmap: EntryIndex | null, protocol: Protocol, port: number): NmapVerdict {
  if (nmap === null) {
    return {
      source: 'nmap',
      status: 'not-checked',
      summary: 'nmap-services was not found: unofficial use in the wild was NOT checked.',
      evidence: { entries: [], frequency: null },
    };
  }
  const entries = nmap.lookup(protocol, port).map((entry) => ({
    name: entry.names[0] ?? 'unknown',
    frequency: entry.extra.nmapFrequency ?? 0,
  }));
  const where = key(protocol, port);
  if (entries.length === 0) {
    return { source: 'nmap', status: 'ok', summary: `nmap-services does not list ${where}.`, evidence: { entries, frequency: null } };
  }
  const frequency = Math.max(...entries.map((entry) => entry.frequency));
  const names = unique(entries.map((entry) => entry.name)).join(', ');
  if (frequency > 0) {
    return {
      source: 'nmap',
      status: 'conflict',
      summary: `nmap has seen ${where} open in the wild (${names}, open-frequency ${frequency}).`,
      evidence: { entries, frequency },
    };
  }
  return {
    source: 'nmap',
    status: 'warning',
    summary: `nmap-services lists ${where} (${names}) but has never seen it open (frequency 0).`,
    evidence: { entries, frequency },
  };
}

export function servicesVerdict(services: EntryIndex | null, protocol: Protocol, port: number): ServicesVerdict {
  if (services === null) {
    return {
      source: 'services',
      status: 'not-checked',
      summary: 'No services file was read: local service names were NOT checked.',
      evidence: { entries: [] },
    };
  }
  const entries = services.lookup(protocol, port).map((entry) => ({
    names: entry.names,
    ...optional('file', entry.extra.file),
    ...optional('line', entry.extra.line),
  }));
  const where = key(protocol, port);
  if (entries.length === 0) {
    return { source: 'services', status: 'ok', summary: `The services file has no entry for ${where}.`, evidence: { entries } };
  }
  const first = entries[0];
  const at = first?.file !== undefined ? ` (${first.file}${first.line !== undefined ? `:${first.line}` : ''})` : '';
  return {
    source: 'services',
    status: 'conflict',
    summary: `The services file names ${where} ${unique(entries.flatMap((entry) => entry.names)).join(', ')}${at}.`,
    evidence: { entries },
  };
}

/** `whyMissing`: the listeners source's own note when it is absent (skipped on request, OS would not tell). */
export function listenersVerdict(
  listeners: EntryIndex | null,
  protocol: Protocol,
  port: number,
  whyMissing?: string,
): ListenersVerdict {
  if (listeners === null) {
    return {
      source: 'listeners',
      status: 'not-checked',
      summary: whyMissing
        ? `Local listeners were NOT checked: ${whyMissing.replace(/: local listeners were NOT checked$/, '')}.`
        : 'The OS did not tell which sockets listen: local listeners were NOT checked.',
      evidence: { sockets: [] },
    };
  }
  const sockets = listeners.lookup(protocol, port).map((entry) => ({
    ...optional('address', entry.extra.address),
    ...optional('process', entry.extra.process),
  }));
  const where = key(protocol, port);
  if (sockets.length === 0) {
    return { source: 'listeners', status: 'ok', summary: `Nothing on this machine listens on ${where}.`, evidence: { sockets } };
  }
  const described = sockets
    .map((socket) => {
      const owner = socket.process ? ` (${socket.process.command}, pid ${socket.process.pid})` : '';
      return `${socket.address ?? 'an unknown address'}${owner}`;
    })
    .join(', ');
  return { source: 'listeners', status: 'conflict', summary: `Listening now on ${where}: ${described}.`, evidence: { sockets } };
}

export function bindVerdict(results: readonly BindProbeResult[] | null | undefined, port: number): BindVerdict {
  const list = results ? [...results] : [];
  const decided = list.filter((result) => result.outcome !== 'unsupported');
  if (decided.length === 0) {
    return {
      source: 'bind',
      status: 'not-checked',
      summary: list.length === 0 ? 'No bind probe was made.' : 'Binding was unsupported on every address tried.',
      evidence: { results: list },
    };
  }
  const inUse = decided.filter((result) => result.outcome === 'in-use').map((result) => result.address);
  if (inUse.length > 0) {
    return {
      source: 'bind',
      status: 'conflict',
      summary: `Port ${port} is in use on ${inUse.join(', ')} (bind failed with "address in use").`,
      evidence: { results: list },
    };
  }
  // An unexpected bind error cannot prove the port free: it counts as denied.
  const denied = decided.filter((result) => result.outcome === 'denied' || result.outcome === 'error').map((result) => result.address);
  if (denied.length > 0) {
    return {
      source: 'bind',
      status: 'warning',
      summary:
        `Binding ${port} was denied on ${denied.join(', ')}: a privileged port, or a range the OS ` +
        'reserves (Windows Hyper-V/WSL excluded ranges refuse binds while nothing listens).',
      evidence: { results: list },
    };
  }
  return {
    source: 'bind',
    status: 'ok',
    summary: `Port ${port} could be bound on ${decided.map((result) => result.address).join(', ')}.`,
    evidence: { results: list },
  };
}

export function reservationsVerdict(reservations: EntryIndex | null, protocol: Protocol, port: number): ReservationsVerdict {
  if (reservations === null) {
    return {
      source: 'reservations',
      status: 'not-checked',
      summary: 'No reservations file was given or found: organisation reservations were NOT checked.',
      evidence: { reservations: [] },
    };
  }
  const found = reservations.lookup(protocol, port).map((entry: RegistryEntry) => ({
    service: entry.names,
    ...optional('owner', entry.extra.owner),
    ...optional('note', entry.extra.note),
    ...optional('file', entry.extra.file),
    ...optional('line', entry.extra.line),
  }));
  const where = key(protocol, port);
  if (found.length === 0) {
    return { source: 'reservations', status: 'ok', summary: `No reservation holds ${where}.`, evidence: { reservations: found } };
  }
  const described = found
    .map((reservation) => {
      const service = reservation.service.length > 0 ? reservation.service.join('/') : 'a service';
      const owner = reservation.owner !== undefined ? ` by ${reservation.owner}` : '';
      const note = reservation.note !== undefined ? ` (${reservation.note})` : '';
      return `${service}${owner}${note}`;
    })
    .join('; ');
  return { source: 'reservations', status: 'conflict', summary: `Reserved ${where} for ${described}.`, evidence: { reservations: found } };
}

export function ephemeralVerdict(ephemeral: readonly EphemeralRange[], port: number): EphemeralVerdict {
  const considered = [...ephemeral];
  if (considered.length === 0) {
    return {
      source: 'ephemeral',
      status: 'not-checked',
      summary: 'No OS ephemeral range was known: overlap with outgoing connections was NOT checked.',
      evidence: { containing: [], considered },
    };
  }
  const containing = ephemeralRangesContaining(port, considered);
  if (containing.length === 0) {
    return {
      source: 'ephemeral',
      status: 'ok',
      summary: `Port ${port} is outside every known OS ephemeral range.`,
      evidence: { containing, considered },
    };
  }
  const described = containing.map((range) => `${range.os} ${range.start}-${range.end}`).join(', ');
  const linuxHint = containing.some((range) => range.os === 'linux' || range.os === 'this machine')
    ? ' On Linux, add it to net.ipv4.ip_local_reserved_ports to protect it.'
    : '';
  return {
    source: 'ephemeral',
    status: 'warning',
    summary:
      `Port ${port} is inside the ephemeral range of ${described}: the OS may hand it to an outgoing ` +
      `connection, and the service then fails to bind at start.${linuxHint}`,
    evidence: { containing, considered },
  };
}

export function rangeVerdict(port: number): RangeVerdict {
  const range = { ...rangeOf(port) };
  const span = `${range.start}-${range.end}`;
  switch (range.name) {
    case 'Dynamic':
      return {
        source: 'range',
        status: 'conflict',
        summary: `Port ${port} is in the Dynamic range (${span}): never assigned, and it MUST NOT be used as a service identifier.`,
        evidence: { range },
      };
    case 'System':
      return {
        source: 'range',
        status: 'warning',
        summary: `Port ${port} is a System port (${span}): assigned only by IETF Review or IESG Approval, and binding it needs privileges on most Unix systems.`,
        evidence: { range },
      };
    case 'User':
      return { source: 'range', status: 'ok', summary: `Port ${port} is a User port (${span}), where new defaults belong.`, evidence: { range } };
  }
}

export function browserUnsafeVerdict(port: number, http: boolean, browserUnsafe: ReadonlySet<number> | undefined): BrowserUnsafeVerdict {
  const listed = browserUnsafe === undefined ? null : browserUnsafe.has(port);
  if (!http) {
    return {
      source: 'browser-unsafe',
      status: 'ok',
      summary: 'Not an HTTP service: browsers block ports only for HTTP(S) fetches.',
      evidence: { http, listed },
    };
  }
  if (listed === null) {
    return {
      source: 'browser-unsafe',
      status: 'not-checked',
      summary: 'No browser-unsafe port list was given: browser blocking was NOT checked.',
      evidence: { http, listed },
    };
  }
  if (listed) {
    return {
      source: 'browser-unsafe',
      status: 'conflict',
      summary: `Browsers refuse HTTP to port ${port} (ERR_UNSAFE_PORT): an HTTP service there cannot be opened in a browser.`,
      evidence: { http, listed },
    };
  }
  return { source: 'browser-unsafe', status: 'ok', summary: `Browsers allow HTTP to port ${port}.`, evidence: { http, listed } };
}

export function networkVerdict(network: NetworkFinding | null | undefined, port: number): NetworkVerdict {
  if (network === null || network === undefined) {
    return {
      source: 'network',
      status: 'not-checked',
      summary: 'No network was swept: hosts on the network were NOT checked.',
      evidence: { networks: [], openOn: [], probes: 0, complete: false },
    };
  }
  const openOn = unique(network.openOn.filter((found) => found.port === port).map((found) => found.address));
  const evidence = { networks: [...network.networks], openOn, probes: network.probes, complete: network.complete };
  const swept = network.networks.length > 0 ? network.networks.join(', ') : 'the swept networks';
  if (openOn.length > 0) {
    return {
      source: 'network',
      status: 'conflict',
      summary: `Port ${port} is open on ${openOn.length} host(s) in ${swept}: ${openOn.join(', ')}.`,
      evidence,
    };
  }
  if (!network.complete) {
    return {
      source: 'network',
      status: 'warning',
      summary: `No host in ${swept} had port ${port} open, but the sweep did not complete (${network.probes} probes).`,
      evidence,
    };
  }
  return { source: 'network', status: 'ok', summary: `No host in ${swept} has port ${port} open.`, evidence };
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function isText(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

/** `{ [name]: value }` when value is defined, `{}` otherwise (keeps evidence free of undefined keys). */
function optional<K extends string, V>(name: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [name]: value } as { [P in K]?: V });
}
