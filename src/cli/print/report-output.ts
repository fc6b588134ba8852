/**
 * Where `portpick scan` writes its report: stdout (a stream), or `-o FILE`.
 *
 * A file is written synchronously through one reusable buffer. A sweep can
 * report hundreds of thousands of results; a write stream would turn every
 * batch's text into a new Buffer (allocation, page faults, garbage), which on a
 * two-core machine takes CPU from the sweep itself. Each batch is one write()
 * system call into the page cache.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { FileAccessError } from '../../errors/index.js';

export interface ReportOutput {
  write(text: string): void;
  /** Writes bytes (already UTF-8); the caller may reuse `bytes` once this returns. */
  writeBytes(bytes: Uint8Array): void;
  /** Flushes and closes (files); resolves once everything written is out. */
  close(): Promise<void>;
}

export function streamOutput(stream: NodeJS.WritableStream): ReportOutput {
  return {
    write(text) {
      if (text !== '') stream.write(text);
    },
    writeBytes(bytes) {
      // A copy: the stream may hold the chunk after write() returns.
      if (bytes.length > 0) stream.write(Buffer.from(bytes));
    },
    close: () => Promise.resolve(),
  };
}

/** Opens (creates or truncates) `path`; FileAccessError when it cannot be written. */
export function fileOutput(path: string): ReportOutput {
  let fd: number;
  try {
    fd = openSync(path, 'w', 0o644);
  } catch (error) {
    throw new FileAccessError(`Expected a writable output file at ${path}, got ${(error as NodeJS.ErrnoException).code ?? String(error)}`, path, { cause: error });
  }
  let buffer = Buffer.allocUnsafe(1 << 20);
  const fail = (error: unknown): never => {
    throw new FileAccessError(`Expected to write the report to ${path}, got ${(error as NodeJS.ErrnoException).code ?? String(error)}`, path, { cause: error });
  };
  const writeAll = (bytes: Uint8Array, length: number): void => {
    try {
      for (let at = 0; at < length; ) at += writeSync(fd, bytes, at, length - at);
    } catch (error) {
      fail(error);
    }
  };
  return {
    write(text) {
      if (text === '') return;
      if (text.length * 3 > buffer.length) buffer = Buffer.allocUnsafe(Math.max(text.length * 3, buffer.length * 2));
      const length = buffer.write(text, 0, 'utf8');
      writeAll(buffer, length);
    },
    writeBytes(bytes) {
      writeAll(bytes, bytes.length);
    },
    close() {
      try {
        closeSync(fd);
      } catch (error) {
        fail(error);
      }
      return Promise.resolve();
    },
  };
}
