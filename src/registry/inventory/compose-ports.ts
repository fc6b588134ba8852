/**
 * The compose `ports` short syntax:
 *   [[HOST_IP:](HOST_PORT | HOST_RANGE):](CONTAINER_PORT | CONTAINER_RANGE)[/PROTOCOL]
 * e.g. `3000`, `3000-3005`, `8000:8000`, `9090-9091:8080-8081`, `8000-9000:80`,
 * `127.0.0.1:8001:8001`, `127.0.0.1::5000` (a random host port), `[::1]:6001:6001`,
 * `::1:6000:6000`, `6060:6060/udp`.
 */
import { portRangeText, protocolText } from './port-text.js';
import type { Protocol } from '../types.js';

export interface ComposePortMapping {
  /** The host address the port is published on, when one is written. */
  hostIp?: string;
  /** The host port(s); absent when the host port is left to Docker. */
  published?: { first: number; last: number };
  /** The container port(s). */
  target: { first: number; last: number };
  protocol: Protocol;
}

/** Null when the text is not that syntax (the caller reports it). */
export function parseComposePortShort(text: string): ComposePortMapping | null {
  let rest = text.trim();
  let protocol: Protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash !== -1) {
    const named = protocolText(rest.slice(slash + 1));
    if (named === null) return null;
    protocol = named;
    rest = rest.slice(0, slash);
  }
  const lastColon = rest.lastIndexOf(':');
  const target = portRangeText(lastColon === -1 ? rest : rest.slice(lastColon + 1));
  if (target === null) return null;
  if (lastColon === -1) return { target, protocol };
  const hostPart = rest.slice(0, lastColon);
  const hostColon = hostPart.lastIndexOf(':');
  const hostPortText = hostColon === -1 ? hostPart : hostPart.slice(hostColon + 1);
  const hostIp = hostColon === -1 ? undefined : hostPart.slice(0, hostColon);
  if (hostIp !== undefined && hostIp === '') return null;
  const mapping: ComposePortMapping = { target, protocol };
  if (hostIp !== undefined) mapping.hostIp = hostIp;
  if (hostPortText === '') {
    // `127.0.0.1::5000`: published on that address, on a port Docker picks.
    return hostIp === undefined ? null : mapping;
  }
  const published = portRangeText(hostPortText);
  if (published === null) {
    // `::1:6000` parses its last group as the host port; a bare IPv6 address with no host port has none.
    return null;
  }
  const sizes = [published.last - published.first, target.last - target.first];
  // A host range must match the container range, or map many host ports to one container port.
  if (sizes[1] !== 0 && sizes[0] !== sizes[1]) return null;
  mapping.published = published;
  return mapping;
}
