import { renameSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FileAccessError, InvalidArgumentError, describeValue } from '../errors/index.js';
import type { CheckReport } from '../pick/check.js';
import { MINIMUM_PORT, parsePort, parseProtocolList } from '../pick/port-input.js';
import { findReservationFile } from '../registry/locate.js';
import { addReservationToText, formatOfFile, newReservationFileText, type NewReservation } from '../registry/reservation-writer.js';
import { parseReservations } from '../registry/reservations.js';
import type { Protocol } from '../registry/types.js';
import { check } from './check.js';
import { resolveSources, type SourcesInput } from './common.js';

export interface ReserveRequest extends SourcesInput {
  port: number | string;
  /** `tcp` (default), or several: `tcp,udp`. */
  protocol?: string;
  /** The service the port is for. */
  name: string;
  owner?: string;
  note?: string;
  /** Add the reservation even when the port is reserved already or `check` calls it a conflict. */
  force?: boolean;
  http?: boolean;
  k8s?: boolean;
  /** Try binding the port on this machine as `check` does (default true). */
  bindProbe?: boolean;
}

export interface ReserveReport {
  /** `added` (written), or `refused` (a conflict, and no force: nothing written). */
  status: 'added' | 'refused';
  /** The reservation file written, or that would have been. */
  file: string;
  /** The file did not exist and was made. */
  created: boolean;
  reservation: NewReservation;
  /** 1-based line of the new entry, when added. */
  line?: number;
  /** Every conflict `check` found, per protocol (an existing reservation among them). */
  conflicts: { protocol: Protocol; source: string; summary: string }[];
  /** Added despite conflicts. */
  forced: boolean;
  checks: CheckReport[];
}

/**
 * `portpick reserve PORT --name SERVICE`: adds the reservation to the nearest
 * reservation file (`--reservations FILE`, else .portpick.json/.yaml/.yml or
 * portpick.config.json here or above, else a new .portpick.yaml here),
 * keeping its comments and order, after `check` finds no conflict (`force`
 * adds it anyway). The file is replaced atomically.
 */
export async function reserve(request: ReserveRequest): Promise<ReserveReport> {
  const port = parsePort(request.port, 'port', { min: MINIMUM_PORT.check });
  const protocols = parseProtocolList(request.protocol ?? 'tcp');
  const service = text(request.name, 'the service name (--name)', true) as string;
  const owner = text(request.owner, 'the owner (--owner)', false);
  const note = text(request.note, 'the note (--note)', false);
  const reservation: NewReservation = { port, protocols, service, ...(owner === undefined ? {} : { owner }), ...(note === undefined ? {} : { note }) };

  const cwd = request.cwd ?? process.cwd();
  const found = request.reservationsFile === undefined ? await findReservationFile(cwd) : path.resolve(cwd, request.reservationsFile);
  const file = found ?? path.join(cwd, '.portpick.yaml');
  const exists = isFile(file);

  // The file's own reservations are checked when it exists; a file to be made holds none (reservations found above still count).
  const { reservationsFile: _target, ...sourceOptions } = request;
  const sources = await resolveSources({ ...sourceOptions, ...(exists ? { reservationsFile: file } : {}) });
  const checks: CheckReport[] = [];
  for (const protocol of protocols) {
    checks.push(
      await check({
        sources,
        port,
        protocol,
        http: request.http ?? false,
        k8s: request.k8s ?? false,
        bindProbe: request.bindProbe !== false,
      }),
    );
  }
  const conflicts = checks.flatMap((report) =>
    report.verdicts.filter((verdict) => verdict.status === 'conflict').map((verdict) => ({ protocol: report.protocol, source: verdict.source, summary: verdict.summary })),
  );
  const force = request.force ?? false;
  const base = { file, created: !exists, reservation, conflicts, forced: force && conflicts.length > 0, checks };
  if (conflicts.length > 0 && !force) return { ...base, created: false, status: 'refused' };

  const before = exists ? read(file) : null;
  const after = before === null ? newReservationFileText(formatOfFile(file), reservation) : addReservationToText(before, file, reservation);
  writeAtomically(file, after);
  const line = (parseReservations(after, file) ?? []).at(-1)?.line;
  return { ...base, status: 'added', ...(line === undefined ? {} : { line }) };
}

function text(value: unknown, what: string, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidArgumentError(`Expected ${what} to be non-empty text, got ${describeValue(value)}`);
  }
  return value.trim();
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new FileAccessError(`Expected a readable reservation file at ${file}, got ${(error as NodeJS.ErrnoException).code ?? String(error)}`, file, { cause: error });
  }
}

/** Writes beside the file and renames over it, keeping its permissions: a reader never sees half a file. */
function writeAtomically(file: string, content: string): void {
  const temporary = `${file}.portpick-${process.pid}.tmp`;
  try {
    const mode = isFile(file) ? statSync(file).mode & 0o777 : 0o644;
    writeFileSync(temporary, content, { mode });
    renameSync(temporary, file);
  } catch (error) {
    throw new FileAccessError(`Expected to write the reservation file ${file}, got ${(error as NodeJS.ErrnoException).code ?? String(error)}`, file, { cause: error });
  }
}
