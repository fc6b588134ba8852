/**
 * portpick's command line: parse argv, call the library, print. Commands gather
 * their data through the library and print it in a separate step; main()
 * returns the exit code, which run() hands to the process. No side effects on
 * import, and no command imported here: the entry points name the commands
 * (run-all.ts: every command; run-scan.ts: `scan` alone, for the bin's scan
 * bundle) and call run().
 */
import { Command, CommanderError } from 'commander';
import { PortpickError } from '../errors/portpick-error.js';
import type { CliContext } from './context.js';
import { errorAdvice } from './failure-advice.js';
import { normaliseNmapFlags } from './commands/nmap-flags.js';

/** Adds one command (or several) to the program. */
export type RegisterCommands = (program: Command, ctx: CliContext) => void;

export async function main(argv: string[], registerCommands: RegisterCommands): Promise<number> {
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const ctx: CliContext = {
    stdout: process.stdout,
    stderr: process.stderr,
    stderrIsTTY: Boolean(process.stderr.isTTY),
    exitCode: 0,
    signal: controller.signal,
  };
  const program = new Command('portpick')
    .description(
      'Pick a default port for a new network service the RFC 6335 way, and sweep networks for ports in use.',
    )
    // --version also names the addon, its engines and Node (version-report.ts), loaded only when asked.
    .option('-V, --version', 'output the version, the native addon and its engines, and the Node version')
    .showHelpAfterError('(add --help for usage and examples)')
    .exitOverride();
  program.on('option:version', () => {
    throw new CommanderError(0, 'portpick.version', 'version requested');
  });
  registerCommands(program, ctx);
  try {
    await program.parseAsync(normaliseNmapFlags(argv));
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError && error.code === 'portpick.version') {
      const { versionReport } = await import('./version-report.js');
      ctx.stdout.write(`${await versionReport()}\n`);
      return 0;
    }
    return reportError(ctx, error);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function reportError(ctx: CliContext, error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has printed its own message; help and version are successes.
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help'
      ? 0
      : 2;
  }
  if (error instanceof PortpickError) {
    ctx.stderr.write(`portpick: ${error.message}\n`);
    const advice = errorAdvice(error);
    if (advice !== null) ctx.stderr.write(`portpick: to fix: ${advice}\n`);
    return 2;
  }
  const message = error instanceof Error ? error.message : String(error);
  ctx.stderr.write(`portpick: unexpected error: ${message}\n`);
  if (process.env.PORTPICK_DEBUG && error instanceof Error && error.stack) ctx.stderr.write(`${error.stack}\n`);
  else ctx.stderr.write('(set PORTPICK_DEBUG=1 for details, and please report it)\n');
  return 2;
}

/** Runs the command line on `argv`; the process ends with its exit code once its work and output are done. */
export function run(argv: string[], registerCommands: RegisterCommands): void {
  ignoreClosedReaders();
  main(argv, registerCommands).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`portpick: ${String(error)}\n`);
      process.exitCode = 2;
    },
  );
}

/**
 * A reader that goes away (`portpick free 1024 49151 | head -1`) is not a
 * failure of the command: writes to it stop quietly, as for tools that end on
 * SIGPIPE, and the command keeps its exit status. Without a listener Node
 * throws the stream's EPIPE as an uncaught error with a stack trace. The scan
 * command's report outputs watch standard output themselves (report-output.ts):
 * a sweep whose report cannot be written stops and keeps a resume file.
 */
function ignoreClosedReaders(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || stream === process.stderr) return;
      process.stderr.write(`portpick: cannot write to standard output: ${error.code ?? error.message}\n`);
      process.exitCode = 2;
    });
  }
}
