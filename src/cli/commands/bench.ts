import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { InvalidArgumentError } from '../../errors/index.js';
import type { CliContext } from '../context.js';
import { packageRoot } from '../../package-root.js';
import { numberFlag } from './sweep-options.js';

interface BenchFlags {
  loopbackOnly?: boolean;
  json?: boolean;
  full?: boolean;
  runs?: string;
  ports: string;
}

/** The surface of bench/command.mjs (plain JavaScript, shipped in the package's bench/ folder). */
interface BenchCommandModule {
  benchCommand(
    options: { loopbackOnly: boolean; json: boolean; full: boolean; runs?: number; low: number; high: number },
    io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
  ): Promise<number>;
}

export function registerBench(program: Command, ctx: CliContext): void {
  program
    .command('bench')
    .description(
      'Benchmark portpick against nmap, masscan and zmap (where installed) in a private network lab it builds and removes; ' +
        'without the privilege for a network namespace, a loopback connect benchmark',
    )
    .option('--loopback-only', 'skip the lab: connect sweep of 127.0.0.1 against listeners of its own')
    .option('--full', 'full sizes (AnyIP /16, 3 runs per tool; many minutes) instead of quick mode (< 3 minutes)')
    .option('--runs <n>', 'runs per tool (median wall time)')
    .option('-p, --ports <low-high>', '--loopback-only: the port range swept', '1-65535')
    .option('--json', 'print the JSON result instead of the table')
    .addHelpText(
      'after',
      '\nIt never sends a packet outside the namespace it made (or, with --loopback-only, outside 127.0.0.1).\n' +
        'Peers: sudo sh bench/setup-peers.sh (Debian: nmap masscan zmap hping3 nftables time).\n\nExamples:\n' +
        '  sudo portpick bench\n  portpick bench --loopback-only\n  portpick bench --json > bench.json',
    )
    .action(async (flags: BenchFlags) => {
      const range = /^(\d+)-(\d+)$/.exec(flags.ports.trim());
      const low = range ? Number(range[1]) : NaN;
      const high = range ? Number(range[2]) : NaN;
      if (!range || low < 1 || high > 65535 || low > high) {
        throw new InvalidArgumentError(`Expected --ports as LOW-HIGH within 1-65535, got \`${flags.ports}\``);
      }
      const runs = flags.runs === undefined ? undefined : numberFlag('--runs', flags.runs);
      if (runs !== undefined && (!Number.isInteger(runs) || runs < 1)) {
        throw new InvalidArgumentError(`Expected --runs to be a whole number of at least 1, got \`${flags.runs}\``);
      }
      // Loaded on use: the bench is plain JavaScript next to dist/ (package "files": bench).
      const url = pathToFileURL(join(packageRoot(), 'bench', 'command.mjs'));
      const bench = (await import(url.href)) as BenchCommandModule;
      ctx.exitCode = await bench.benchCommand(
        {
          loopbackOnly: flags.loopbackOnly ?? false,
          json: flags.json ?? false,
          full: flags.full ?? false,
          ...(runs === undefined ? {} : { runs }),
          low,
          high,
        },
        { stdout: ctx.stdout, stderr: ctx.stderr },
      );
    });
}
