/**
 * The process's stdout and stderr, created only when something writes to them.
 *
 * Node makes process.stdout on first access, and for a pipe (how scripts and
 * the bench run portpick) that loads node:net and node:stream: ~10 ms of a
 * start-up. A sweep that writes to `-o FILE` needs neither stream. So the
 * command line's context reads them lazily, and the process's own getters are
 * wrapped to remember whether anyone (a command, commander's help, a Node
 * warning) made them: only streams that exist need flushing before exit.
 */
import { fstatSync } from 'node:fs';

type StreamName = 'stdout' | 'stderr';

const made: Record<StreamName, boolean> = { stdout: false, stderr: false };
let tracking = false;

/** Wraps process.stdout/stderr's getters once; a stream whose getter cannot be wrapped counts as made. */
export function trackProcessStreams(): void {
  if (tracking) return;
  tracking = true;
  for (const name of ['stdout', 'stderr'] as const) {
    const descriptor = Object.getOwnPropertyDescriptor(process, name);
    const get = descriptor?.get;
    if (!descriptor || !get || !descriptor.configurable) {
      made[name] = true;
      continue;
    }
    Object.defineProperty(process, name, {
      configurable: true,
      enumerable: descriptor.enumerable ?? true,
      get() {
        made[name] = true;
        return get.call(process) as NodeJS.WriteStream;
      },
    });
  }
}

/** The streams that exist now (the ones to flush before exiting). */
export function madeProcessStreams(): NodeJS.WriteStream[] {
  return [...(made.stdout ? [process.stdout] : []), ...(made.stderr ? [process.stderr] : [])];
}

/**
 * stderr is a terminal. A pipe or a file answers from fstat without making the
 * stream; only a character device (a terminal, or /dev/null) asks the stream.
 */
export function stderrIsTerminal(): boolean {
  let characterDevice = true;
  try {
    characterDevice = fstatSync(2).isCharacterDevice();
  } catch {
    characterDevice = true; // cannot tell: ask the stream
  }
  return characterDevice && Boolean(process.stderr.isTTY);
}
