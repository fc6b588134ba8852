import { InvalidArgumentError, describeValue } from '../errors/index.js';

/**
 * AbortSignal handling shared by the library calls that take one: a signal
 * already aborted stops the call before it starts, and one aborted while the
 * call waits rejects it at once with the signal's reason (an `AbortError`
 * DOMException unless the caller gave another), as fetch() does.
 */

/** Checks the option's type and throws the reason when the signal is already aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal === undefined) return;
  if (!(signal instanceof AbortSignal)) {
    throw new InvalidArgumentError(`Expected \`signal\` to be an AbortSignal, got ${describeValue(signal)}`);
  }
  signal.throwIfAborted();
}

/**
 * `work`, or a rejection with the signal's reason as soon as it aborts. Work
 * that cannot be interrupted (a synchronous file read in progress) runs to
 * its end, and its result is dropped.
 */
export function abortable<T>(signal: AbortSignal | undefined, work: Promise<T>): Promise<T> {
  if (signal === undefined) return work;
  throwIfAborted(signal);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
