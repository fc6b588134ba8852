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

/** What {@link reserve} takes: the port, the service, and the options of {@link check}. */
export interface ReserveRequest extends SourcesInput {
  /** The port to reserve, 1-65535. */
  port: number | string;
  /** `tcp` (default), or several: `tcp,udp`. */
  protocol?: string;
  /** The service the port is for. */
  name: string;
  /** Who holds the reservation (a team). */
  owner?: string;
  /** Anything else the file should say about it. */
  note?: string;
  /** Add the reservation even when the port is reserved already or `check` calls it a conflict. */
  force?: boolean;
  /** The service speaks HTTP: ports browsers refuse conflict. */
  http?: boolean;
  /** The service may run on Kubernetes: the NodePort range (30000-32767) conflicts. */
  k8s?: boolean;
  /** Try binding the port on this machine as `check` does (default true). */
  bindProbe?: boolean;
}

/** What {@link reserve} did: added, or refused with the conflicts. */
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
  /** The check of each protocol that decided it. */
  checks: CheckReport[];
}

/**
 * `portpick reserve PORT --name SERVICE`: adds the reservation to the nearest
 * reservation file (`reservationsFile`, else .portpick.json/.yaml/.yml or
 * portpick.config.json in `cwd` or above, else a new .portpick.yaml in `cwd`),
 * keeping its comments and order, after {@link check} finds no conflict
 * (`force` adds it anyway). The file is replaced atomically.
 *
 * @param request The port, the service name, an owner and note, and the options of {@link check}.
 * @returns `added` with the file and line, or `refused` with the conflicts (nothing written).
 * @throws
 * - {@link PortSpecError} for a port outside 1-65535; {@link InvalidArgumentError} without a service name.
 * - {@link FileAccessError} when the reservation file cannot be read or written; {@link RegistryParseError} when it is malformed.
 *
 * @example
 * ```ts
 * import { reserve } from 'portpick';
 *
 * const result = await reserve({ port: 7404, name: 'job-queue', owner: 'platform' });
 * if (result.status === 'refused') console.error(result.conflicts.map((c) => c.summary).join('\n'));
 * ```
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
