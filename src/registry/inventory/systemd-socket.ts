/**
 * systemd socket units (`*.socket`): in `[Socket]`, `ListenStream=` (TCP),
 * `ListenDatagram=` (UDP) and `ListenSequentialPacket=`, each a port, an
 * `address:port` or `[ipv6]:port`; with `SocketProtocol=sctp` stream and
 * sequential-packet sockets are SCTP. Unix paths (`/run/x.sock`), abstract
 * (`@name`), netlink and vsock addresses are not ports and are passed over.
 */
import type { Protocol } from '../types.js';
import { portValue } from './port-text.js';
import type { ReadContext, ReaderResult } from './reader.js';
import path from 'node:path';

interface Listen {
  field: string;
  value: string;
  line: number;
}

export function readSystemdSocket(text: string, context: ReadContext): ReaderResult {
  const result: ReaderResult = { findings: [], problems: [] };
  const unit = path.basename(context.file);
  let section = '';
  let sctp = false;
  const listens: Listen[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[(.+)\]$/.exec(line);
    if (header !== null) {
      section = header[1] as string;
      return;
    }
    if (section !== 'Socket') return;
    const assignment = /^([A-Za-z]+)\s*=\s*(.*)$/.exec(line);
    if (assignment === null) return;
    const [, key, value] = assignment as unknown as [string, string, string];
    if (key === 'SocketProtocol') sctp = value.trim().toLowerCase() === 'sctp';
    else if (key === 'ListenStream' || key === 'ListenDatagram' || key === 'ListenSequentialPacket') {
      listens.push({ field: key, value: value.trim(), line: index + 1 });
    }
  });
  for (const { field, value, line } of listens) {
    const port = portOf(value);
    if (port === null) continue;
    const protocol: Protocol = field === 'ListenDatagram' ? 'udp' : sctp ? 'sctp' : 'tcp';
    if (field === 'ListenSequentialPacket' && !sctp) continue; // a Unix seqpacket socket
    result.findings.push({
      first: port,
      last: port,
      protocol,
      file: context.file,
      line,
      kind: 'systemd-socket',
      owner: `unit ${unit}`,
      field,
      role: 'listen',
      confidence: 'high',
      ...(value === String(port) ? {} : { note: `listens on ${value}` }),
    });
  }
  return result;
}

/** `8080`, `0.0.0.0:8080`, `[::]:8080`, `[fe80::1%eth0]:8080`; null for paths and other families. */
function portOf(value: string): number | null {
  if (value === '' || value.startsWith('/') || value.startsWith('@') || /^(vsock|netlink):/i.test(value)) return null;
  const bare = portValue(value);
  if (bare !== null) return bare;
  const bracketed = /^\[[^\]]+\]:(\d+)$/.exec(value);
  if (bracketed !== null) return portValue(bracketed[1]);
  const ipv4 = /^[\d.]+:(\d+)$/.exec(value) ?? /^[A-Za-z0-9.-]+:(\d+)$/.exec(value);
  return ipv4 === null ? null : portValue(ipv4[1]);
}
