/**
 * What a command needs from the process, passed in so commands stay testable:
 * where to write, whether stderr is a terminal, and the exit code to end with.
 * Only main.ts turns `exitCode` into the process's exit status.
 */
export interface CliContext {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** stderr is a terminal: progress bars go there. */
  stderrIsTTY: boolean;
  /** 0 success / free, 1 conflict found, 2 error. */
  exitCode: number;
  /** Aborted on SIGINT / SIGTERM so long commands (scan) can stop cleanly and keep what they found. */
  signal: AbortSignal;
}

export function writeLine(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function printJson(ctx: CliContext, value: unknown): void {
  writeLine(ctx.stdout, JSON.stringify(value, null, 2));
}
