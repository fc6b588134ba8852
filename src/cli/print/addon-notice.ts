import { tryLoadNative } from '../../native.js';
import { writeLine, type CliContext } from '../context.js';

/**
 * One line on stderr when a scan is about to run without the native addon (the
 * TypeScript connect engine: slower, no SYN). Not for `--mode connect-ts`, which
 * asks for that engine, nor `--mode syn`, which fails with its own message.
 */
export function warnWhenAddonMissing(mode: string | undefined, ctx: CliContext): void {
  if (mode === 'connect-ts' || mode === 'syn') return;
  if (tryLoadNative() !== null) return;
  writeLine(
    ctx.stderr,
    'portpick: the native addon is not available, so this scan uses the TypeScript connect engine (slower; no SYN); `portpick sources` says how to get it.',
  );
}
