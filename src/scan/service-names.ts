import type { EntryIndex } from '../registry/entry-index.js';
import type { IanaRegistry } from '../registry/loaded-sources.js';
import { loadIanaSnapshot } from '../registry/iana-snapshot.js';
import { loadNmapServices } from '../registry/nmap-services.js';
import type { ReportFormat, ServiceNameLookup } from './reporters/reporter.js';

/** The report formats that name the service on each port (nmap's PORT/STATE/SERVICE table, XML and grepable output). */
const FORMATS_NAMING_SERVICES: ReadonlySet<ReportFormat> = new Set(['table', 'xml', 'grep']);

/** True when one of these report formats names services, so a sweep or a merge needs the lookup. */
export function namesServices(formats: Iterable<ReportFormat>): boolean {
  for (const format of formats) if (FORMATS_NAMING_SERVICES.has(format)) return true;
  return false;
}

/**
 * Service names for sweep reports, as nmap names them: nmap-services' name
 * when it lists the port (and the name is not `unknown`), else the IANA
 * assignment, else nmap's `unknown` when nmap lists the port at all, else none.
 * `nmap` null (nmap-services not found): IANA alone.
 */
export function serviceNameLookup(nmap: EntryIndex | null, iana: Pick<IanaRegistry, 'lookup'> = loadIanaSnapshot()): ServiceNameLookup {
  return (port, protocol) => {
    const listed = nmap?.lookup(protocol, port) ?? [];
    const named = listed.find((entry) => entry.names[0] && entry.names[0] !== 'unknown');
    if (named) return named.names[0];
    const assigned = iana.lookup(protocol, port).find((entry) => entry.state === 'assigned' && entry.names.length > 0);
    if (assigned) return assigned.names[0];
    return listed.length > 0 ? 'unknown' : undefined;
  };
}

/**
 * The lookup of serviceNameLookup with nmap-services found as everywhere else
 * (registry/nmap-services.ts): `nmapServicesFile` alone when given (missing
 * is an error), else portpick's cache, else a local nmap installation.
 */
export async function loadServiceNames(options: { nmapServicesFile?: string } = {}): Promise<ServiceNameLookup> {
  const nmap = await loadNmapServices(options.nmapServicesFile === undefined ? {} : { file: options.nmapServicesFile });
  return serviceNameLookup(nmap.index);
}
