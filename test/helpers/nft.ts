import { spawnSync } from 'node:child_process';

/**
 * A temporary nftables table for one test file, inside the private namespace
 * (npm test). `install` loads the table from nft syntax; `remove` deletes it.
 * Tests run one file at a time, so a table of their own never meets another
 * file's traffic.
 */
export class NftTable {
  constructor(
    readonly family: 'inet' | 'ip' | 'ip6',
    readonly name: string,
  ) {}

  /** Loads `body` (the inside of `table FAMILY NAME { … }`), replacing an earlier table of that name. */
  install(body: string): void {
    this.remove();
    nft(`table ${this.family} ${this.name} {\n${body}\n}\n`);
  }

  remove(): void {
    spawnSync('nft', ['delete', 'table', this.family, this.name], { stdio: 'ignore' });
  }

  /** The ruleset of this table as nft lists it (counters included). */
  list(): string {
    return nft(null, ['list', 'table', this.family, this.name]);
  }
}

function nft(script: string | null, args: string[] = ['-f', '-']): string {
  const run = spawnSync('nft', args, { input: script ?? undefined, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`nft ${args.join(' ')} failed (${run.status}): ${run.stderr}\n${script ?? ''}`);
  return run.stdout;
}
