/**
 * Where a report goes: standard output (a stream), or a file.
 *
 * Files are opened before the sweep starts (an unwritable path fails before
 * any probe) without truncating anything: an existing file is emptied only by
 * start(), once the plan is known to be good, so a typo in the targets never
 * destroys an earlier report.
 *
 * - Streaming formats (JSON lines, CSV, grepable) are written as they come, so
 *   a killed run keeps every line written. `continueAt` reopens the file an
 *   interrupted run left (its recorded size must match) and writes on from the
 *   end of its results, over the end text that run wrote.
 * - Grouped formats (table, XML, ports) write everything at the end: into a
 *   temporary file beside the target, renamed over it when complete, so an
 *   earlier complete report is replaced only by a complete one.
 *   Paths that are not regular files (/dev/null, a FIFO) are written directly.
 *
 * A file is written synchronously through one reusable buffer. A sweep can
 * report hundreds of thousands of results; a write stream would turn every
 * batch's text into a new Buffer (allocation, page faults, garbage), which on a
 * two-core machine takes CPU from the sweep itself. Each batch is one write()
 * system call into the page cache.
 */
import { closeSync, fstatSync, ftruncateSync, openSync, renameSync, statSync, unlinkSync, writeSync, constants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { FileAccessError } from '../../errors/index.js';

export interface ReportOutput {
  /** The path, or `standard output`. */
  readonly label: string;
  /** Bytes written so far (to the file, including what an interrupted run left before continueAt). */
  readonly bytes: number;
  /** Bytes known to have reached the destination: a file's written bytes; what a stream has handed to the OS. */
  readonly delivered: number;
  /** The error that stopped this output (EPIPE, ENOSPC …), or null. Writes after it are dropped. */
  readonly failure: Error | null;
  /** True when this continues a file an interrupted run left (its header is already there). */
  readonly continued: boolean;
  /** Empties a fresh file (the plan is good); nothing for a continued file or a stream. */
  start(): void;
  write(text: string): void;
  /** Writes bytes (already UTF-8); the caller may reuse `bytes` once this returns. */
  writeBytes(bytes: Uint8Array): void;
  /** Null when more may be written now; else a promise that resolves once the destination drained (or failed). */
  ready(): Promise<void> | null;
  /** Resolves once everything written so far has reached the destination (or failed). */
  flushed(): Promise<void>;
  /** Completes the output (renames a grouped file into place). */
  close(): void;
  /** Gives up: a temporary file is removed, a created empty file too; what was streamed stays. */
  abandon(): void;
}

const errorCode = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? String(error);

export function streamOutput(stream: NodeJS.WritableStream, label = 'standard output'): ReportOutput {
  let failure: Error | null = null;
  let bytes = 0;
  let delivered = 0;
  // Write callbacks come in order: each says its chunk reached the OS (or failed, then no later one did).
  const deliveredUpTo = (end: number) => (error?: Error | null): void => {
    if (!error && !failure) delivered = end;
  };
  const writable = stream as NodeJS.WritableStream & { writableNeedDrain?: boolean };
  // An EPIPE (the reader went away) arrives as an 'error' event: kept, so the command can stop and say so.
  const onError = (error: Error): void => {
    failure ??= new FileAccessError(`Expected to write the report to ${label}, got ${errorCode(error)}`, label, { cause: error });
  };
  stream.on('error', onError);
  return {
    label,
    continued: false,
    get bytes() {
      return bytes;
    },
    get delivered() {
      return delivered;
    },
    get failure() {
      return failure;
    },
    start() {},
    write(text) {
      if (text === '' || failure) return;
      bytes += Buffer.byteLength(text);
      stream.write(text, deliveredUpTo(bytes));
    },
    writeBytes(chunk) {
      if (chunk.length === 0 || failure) return;
      bytes += chunk.length;
      // A copy: the stream may hold the chunk after write() returns.
      stream.write(Buffer.from(chunk), deliveredUpTo(bytes));
    },
    ready() {
      if (failure || !writable.writableNeedDrain) return null;
      return new Promise<void>((resolve) => {
        const done = (): void => {
          stream.off('drain', done);
          stream.off('error', done);
          stream.off('close', done);
          resolve();
        };
        stream.on('drain', done);
        stream.on('error', done);
        stream.on('close', done);
      });
    },
    flushed() {
      if (failure) return Promise.resolve();
      return new Promise<void>((resolve) => {
        // Callbacks run in order: this one runs after every earlier write's.
        stream.write('', () => resolve());
      });
    },
    close() {},
    abandon() {},
  };
}

export interface FileOutputOptions {
  /** Write into a temporary file, renamed over `path` by close() (grouped formats). */
  atomic?: boolean;
  /** Continue a file an interrupted run left: its size then, and where its results ended. */
  continueAt?: { size: number; contentEnd: number };
}

/** Opens `path` for a report (see the module comment); FileAccessError when it cannot be written. */
export function fileOutput(path: string, options: FileOutputOptions = {}): ReportOutput {
  const fail = (what: string, error: unknown): never => {
    throw new FileAccessError(`Expected ${what} ${path}, got ${errorCode(error)}`, path, { cause: error });
  };
  let existing: ReturnType<typeof statSync> | undefined;
  try {
    existing = statSync(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') fail('a writable output file at', error);
  }
  if (existing?.isDirectory()) fail('a writable output file at', Object.assign(new Error('EISDIR'), { code: 'EISDIR' }));
  const regular = existing === undefined || existing.isFile();
  const atomic = options.atomic === true && regular;
  const target = atomic ? join(dirname(path), `.${basename(path)}.${process.pid}.portpick-tmp`) : path;
  const continuing = options.continueAt !== undefined && regular && existing !== undefined;
  let fd: number;
  try {
    // Never O_TRUNC here: start() empties a fresh file once the sweep is sure to run.
    fd = openSync(target, constants.O_WRONLY | constants.O_CREAT | (atomic ? constants.O_TRUNC : 0), 0o644);
  } catch (error) {
    return fail('a writable output file at', error);
  }
  const created = existing === undefined;
  let position = 0;
  if (continuing) {
    const expected = options.continueAt as { size: number; contentEnd: number };
    const size = fstatSync(fd).size;
    if (size !== expected.size) {
      closeSync(fd);
      throw new FileAccessError(
        `Expected ${path} as the interrupted run left it (${expected.size} bytes), got ${size} bytes: it changed since, so resuming into it could mix reports. Move it away, or give the resumed run another output`,
        path,
      );
    }
    position = expected.contentEnd;
  }
  let failure: Error | null = null;
  let buffer = Buffer.allocUnsafe(1 << 16);
  const writeAll = (bytes: Uint8Array, length: number): void => {
    if (failure) return;
    try {
      for (let at = 0; at < length; ) {
        const written = writeSync(fd, bytes, at, length - at, regular ? position : null);
        at += written;
        position += written;
      }
    } catch (error) {
      failure = new FileAccessError(`Expected to write the report to ${path}, got ${errorCode(error)}`, path, { cause: error });
    }
  };
  let open = true;
  const closeFd = (): void => {
    if (!open) return;
    open = false;
    try {
      closeSync(fd);
    } catch (error) {
      failure ??= new FileAccessError(`Expected to write the report to ${path}, got ${errorCode(error)}`, path, { cause: error });
    }
  };
  return {
    label: path,
    continued: continuing,
    get bytes() {
      return position;
    },
    get delivered() {
      return position;
    },
    get failure() {
      return failure;
    },
    start() {
      if (continuing) {
        try {
          ftruncateSync(fd, position);
        } catch (error) {
          failure = new FileAccessError(`Expected to write the report to ${path}, got ${errorCode(error)}`, path, { cause: error });
        }
      } else if (regular && !atomic) {
        try {
          // Only a file with content is emptied: on ext4, truncating a file to
          // zero, even an empty one, makes its close wait until everything
          // written since is on disk (the auto_da_alloc heuristic for files
          // replaced by truncation), which a sweep's report of tens of MB pays
          // at the end (docs/architecture.md, "The sweeps, old build against new").
          if (fstatSync(fd).size > 0) ftruncateSync(fd, 0);
        } catch (error) {
          failure = new FileAccessError(`Expected to write the report to ${path}, got ${errorCode(error)}`, path, { cause: error });
        }
      }
    },
    write(text) {
      if (text === '') return;
      if (text.length * 3 > buffer.length) buffer = Buffer.allocUnsafe(Math.max(text.length * 3, buffer.length * 2));
      const length = buffer.write(text, 0, 'utf8');
      writeAll(buffer, length);
    },
    writeBytes(bytes) {
      writeAll(bytes, bytes.length);
    },
    ready: () => null,
    flushed: () => Promise.resolve(),
    close() {
      closeFd();
      if (atomic && !failure) {
        try {
          renameSync(target, path);
        } catch (error) {
          failure = new FileAccessError(`Expected to write the report to ${path}, got ${errorCode(error)}`, path, { cause: error });
        }
      }
      if (atomic && failure) removeQuietly(target);
    },
    abandon() {
      closeFd();
      if (atomic) removeQuietly(target);
      else if (created && position === 0) removeQuietly(path);
    },
  };
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
