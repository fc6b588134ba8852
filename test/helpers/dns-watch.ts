/**
 * A resolver of the test's own, to watch which names a command looks up.
 *
 * - A tiny DNS server on 127.0.0.1:53 (inside the test's private network
 *   namespace; needs the root the namespace gives): it records every query
 *   name and answers the names it was given (A records) and NXDOMAIN for the rest.
 * - withResolver(): runs a command in a private mount namespace whose
 *   /etc/resolv.conf is a bind mount of a file pointing at that server (with a
 *   search domain, so a bare name would be tried with it too). The machine's
 *   own resolv.conf is never touched.
 */
import { spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DnsWatch {
  /** Every query name seen (lower case, no trailing dot), in order. */
  readonly queries: string[];
  /** A resolv.conf naming this server. */
  readonly resolvConf: string;
  close(): Promise<void>;
}

const TYPE_A = 1;

function readName(message: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let at = offset;
  for (;;) {
    const length = message[at];
    if (length === undefined) throw new Error('query name runs past the message');
    if (length === 0) return { name: labels.join('.').toLowerCase(), end: at + 1 };
    if (length >= 0xc0) throw new Error('compressed query names are not expected in questions');
    labels.push(message.toString('latin1', at + 1, at + 1 + length));
    at += 1 + length;
  }
}

function answer(query: Buffer, answers: ReadonlyMap<string, string>): { name: string; reply: Buffer } {
  const { name, end } = readName(query, 12);
  const type = query.readUInt16BE(end);
  const question = query.subarray(12, end + 4);
  const address = answers.get(name);
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // id
  const recursionDesired = query[2]! & 0x01;
  header[2] = 0x80 | 0x04 | recursionDesired; // response, authoritative
  header[3] = 0x80 | (address === undefined ? 3 : 0); // recursion available; NXDOMAIN for unknown names
  header.writeUInt16BE(1, 4); // one question
  const records: Buffer[] = [];
  if (address !== undefined && type === TYPE_A) {
    const record = Buffer.alloc(16);
    record.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    record.writeUInt16BE(TYPE_A, 2);
    record.writeUInt16BE(1, 4); // class IN
    record.writeUInt32BE(60, 6); // TTL
    record.writeUInt16BE(4, 10);
    address.split('.').forEach((octet, i) => (record[12 + i] = Number(octet)));
    records.push(record);
  }
  header.writeUInt16BE(records.length, 6);
  return { name, reply: Buffer.concat([header, question, ...records]) };
}

/** Starts the server; `answers` maps names (lower case) to IPv4 addresses. */
export async function watchDns(answers: ReadonlyMap<string, string>): Promise<DnsWatch> {
  const queries: string[] = [];
  const socket: Socket = createSocket('udp4');
  socket.on('message', (message, peer) => {
    try {
      const { name, reply } = answer(message, answers);
      queries.push(name);
      socket.send(reply, peer.port, peer.address);
    } catch {
      queries.push('(unparsable query)');
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(53, '127.0.0.1', () => resolve());
  });
  const dir = mkdtempSync(join(tmpdir(), 'portpick-dns-'));
  const resolvConf = join(dir, 'resolv.conf');
  writeFileSync(resolvConf, 'nameserver 127.0.0.1\nsearch lab.portpick.test\noptions timeout:1 attempts:1\n');
  return {
    queries,
    resolvConf,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** True when this process may make a private mount namespace and bind-mount a file (root in the test namespace). */
export function canBindResolvConf(): boolean {
  return spawnSync('unshare', ['--mount', '--', 'sh', '-c', 'mount --bind /dev/null /etc/resolv.conf'], { stdio: 'ignore' }).status === 0;
}

/** argv that runs `command` with /etc/resolv.conf replaced by `resolvConf`, in a private mount namespace. */
export function withResolver(resolvConf: string, command: readonly string[]): string[] {
  return ['unshare', '--mount', '--', 'sh', '-c', 'mount --bind "$0" /etc/resolv.conf && exec "$@"', resolvConf, ...command];
}
