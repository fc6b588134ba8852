import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { closeAll, listenAll } from '../helpers/listeners.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lab } from '../helpers/lab.js';
import { cliPath, runCli, smallSources, testCacheDir } from './run-cli.js';

/**
 * `portpick scan`, `merge`, and the --network sweeps of check/suggest, run as the
 * built binary inside the private-namespace lab (every address here exists only there).
 */

interface JsonLine {
  type: string;
  address?: string;
  port?: number;
  state?: string;
  engine?: string;
  planned?: number;
  completed?: number;
  sent?: number;
  interrupted?: boolean;
}

function lines(text: string): JsonLine[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as JsonLine);
}

function openSet(records: JsonLine[]): string[] {
  return records
    .filter((r) => r.type === 'result' && r.state === 'open')
    .map((r) => `${r.address}:${r.port}`)
    .sort();
}

const work = mkdtempSync(join(tmpdir(), 'portpick-scan-cli-'));

function pickPorts(count: number, low: number, high: number): number[] {
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(low + Math.floor(Math.random() * (high - low)));
  return [...chosen].sort((a, b) => a - b);
}

describe.skipIf(!lab.available)('portpick scan (built CLI, private-namespace lab)', () => {
  const openPorts = pickPorts(6, 21000, 21400);
  let servers: Server[] = [];
  beforeAll(async () => {
    servers = await listenAll(openPorts, '0.0.0.0');
  });
  afterAll(async () => {
    await closeAll(servers);
  });

  it.each(['auto', 'connect', 'connect-ts'])('finds exactly the listening ports of 127.0.0.1 (--mode %s)', async (mode) => {
    const run = await runCli(['scan', '127.0.0.1', '-p', '21000-21399', '--mode', mode, '--format', 'jsonl', '--timeout', '500']);
    expect(run.code, run.stderr).toBe(0);
    const records = lines(run.stdout);
    expect(openSet(records)).toEqual(openPorts.map((port) => `127.0.0.1:${port}`));
    const results = records.filter((r) => r.type === 'result');
    expect(results).toHaveLength(400);
    expect(results.filter((r) => r.state === 'closed')).toHaveLength(400 - openPorts.length);
    const summary = records.find((r) => r.type === 'summary');
    expect(summary?.planned).toBe(400);
    expect(summary?.completed).toBe(400);
    if (mode === 'connect-ts') expect(summary?.engine).toBe('connect-ts');
  });

  it('sweeps an AnyIP block, IPv4 and IPv6 together, --open-only', async () => {
    const v6 = await listenAll([openPorts[0] as number], '::', true);
    try {
      const run = await runCli(['scan', '198.18.0.0/26', '2001:db8::/124', '-p', `${openPorts[0]},${openPorts[1]},22`, '--open-only', '--json']);
      expect(run.code, run.stderr).toBe(0);
      const found = openSet(lines(run.stdout));
      const expected: string[] = [];
      for (let host = 0; host < 64; host += 1) {
        expected.push(`198.18.0.${host}:${openPorts[0]}`, `198.18.0.${host}:${openPorts[1]}`);
      }
      for (let host = 0; host < 16; host += 1) expected.push(`2001:db8::${host.toString(16)}:${openPorts[0]}`);
      expect(found).toEqual(expected.map((e) => e.replace('2001:db8::0:', '2001:db8:::')).sort());
    } finally {
      await closeAll(v6);
    }
  });

  it('writes nmap XML with every open port', async () => {
    const file = join(work, 'scan.xml');
    const run = await runCli(['scan', '127.0.0.1', '-p', '21000-21399', '--format', 'xml', '-o', file]);
    expect(run.code, run.stderr).toBe(0);
    const xml = readFileSync(file, 'utf8');
    expect(xml).toMatch(/<nmaprun /);
    for (const port of openPorts) expect(xml).toContain(`portid="${port}"`);
    expect(xml).toMatch(/<\/nmaprun>\s*$/);
  });

  it('tells filtered from unreachable and closed, accounting for every probe', async () => {
    const run = await runCli(['scan', `${lab.silentV4.replace('/24', '/30')}`, lab.unreachableV4.replace('/24', '/30'), '198.18.1.0/30', '-p', '20999', '--json', '--timeout', '300', '--retries', '1']);
    expect(run.code, run.stderr).toBe(0);
    const records = lines(run.stdout).filter((r) => r.type === 'result');
    const states = (prefix: string) => new Set(records.filter((r) => r.address?.startsWith(prefix)).map((r) => r.state));
    if (lab.nft) expect([...states('198.19.0.')]).toEqual(['filtered']);
    expect([...states('203.0.113.')]).toEqual(['unreachable']);
    expect([...states('198.18.1.')]).toEqual(['closed']);
    expect(records).toHaveLength(12);
  });

  it('splits a sweep into shards that merge back into the whole', async () => {
    const files: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      const file = join(work, `shard-${index}.jsonl`);
      const run = await runCli(['scan', '198.18.2.0/28', '-p', `${openPorts[2]},20999`, '--seed', '12345', '--shard', `${index + 1}/3`, '--json', '-o', file]);
      expect(run.code, run.stderr).toBe(0);
      files.push(file);
    }
    const perShard = files.map((file) => lines(readFileSync(file, 'utf8')).filter((r) => r.type === 'result').map((r) => `${r.address}:${r.port}`));
    const all = perShard.flat();
    expect(new Set(all).size).toBe(all.length); // disjoint
    expect(all).toHaveLength(32); // complete
    const merged = await runCli(['merge', ...files, '--json']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(openSet(lines(merged.stdout))).toEqual(
      Array.from({ length: 16 }, (_, host) => `198.18.2.${host}:${openPorts[2]}`).sort(),
    );
    const missing = await runCli(['merge', files[0] as string, files[2] as string]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/missing.*2\/3 \(zmap --shard 1\)/);
  });

  it('keeps what it found on SIGINT, writes a resume file, and --resume finishes exactly the rest', async () => {
    const resumeFile = join(work, 'resume.json');
    const args = ['scan', '198.18.4.0/24', '-p', `${openPorts[3]},${openPorts[4]},20999`, '--rate', '300', '--seed', '99', '--json', '--resume-file', resumeFile];
    const first = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, PORTPICK_CACHE_DIR: testCacheDir } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      setTimeout(() => child.kill('SIGINT'), 1200);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(first.code, first.stderr).toBe(130);
    expect(existsSync(resumeFile)).toBe(true);
    const firstResults = lines(first.stdout).filter((r) => r.type === 'result');
    expect(firstResults.length).toBeGreaterThan(0);
    expect(firstResults.length).toBeLessThan(768);
    const summary = lines(first.stdout).find((r) => r.type === 'summary');
    expect(summary?.interrupted).toBe(true);

    const second = await runCli([...args.filter((a) => a !== '300' && a !== '--rate'), '--resume', resumeFile]);
    expect(second.code, second.stderr).toBe(0);
    const secondResults = lines(second.stdout).filter((r) => r.type === 'result');
    const keys = [...firstResults, ...secondResults].map((r) => `${r.address}:${r.port}`);
    expect(new Set(keys).size).toBe(keys.length); // nothing repeated
    expect(keys).toHaveLength(768); // nothing lost
  });

  it('--dry-run counts probes and sends nothing', async () => {
    const run = await runCli(['scan', '198.18.0.0/16', '-p', '1-1000', '--dry-run']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/probes\s+65,536,000 \(65,536 addresses × 1,000 ports\)/);
  });

  it.each([
    [['scan', '198.18.0.300', '-p', '80'], /198\.18\.0\.300/],
    [['scan', '127.0.0.1', '-p', '0'], /0/],
    [['scan', '127.0.0.1', '-p', '90-80'], /90/],
    [['scan', '127.0.0.1', '-p', 'http'], /http/],
    [['scan', '127.0.0.1'], /-p|ports/],
    [['scan', '-p', '80'], /target/],
    [['scan', '127.0.0.1', '-p', '80', '--exclude-file', '/nonexistent/never.txt'], /never\.txt/],
    [['scan', '127.0.0.1', '-p', '80', '--exclude', '198.18.0.0/33'], /198\.18\.0\.0\/33/],
    [['scan', '127.0.0.1', '-p', '80', '--shard', '4/3'], /1 ≤ i ≤ n.*4\/3/],
    [['scan', '127.0.0.1', '-p', '80', '--shard', '0/3'], /1-based.*0\/3/],
    [['scan', '127.0.0.1', '-p', '80', '--shard', '1'], /--shard i\/n.*--shards N --shard I/],
    [['scan', '127.0.0.1', '-p', '80', '--shards', '3', '--shard', '3'], /from 0 to 2/],
    [['scan', '127.0.0.1', '-p', '80', '--shards', '3'], /--shard I/],
    [['scan', '127.0.0.1', '-p', '80', '--mode', 'fast'], /fast/],
    [['scan', '127.0.0.1', '-p', '80', '--rate', '-5'], /-5|rate/],
    [['scan', '127.0.0.1', '-p', '80', '--format', 'pdf'], /pdf/],
    [['scan', '127.0.0.1', '-p', '80', '--resume', '/nonexistent/resume.json'], /resume\.json/],
  ])('refuses %j with a clear message and exit 2', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).not.toMatch(/"type":"result"/);
  });

  it('an unreadable exclusion file stops the sweep before any packet is sent', async () => {
    const targets = join(work, 'targets.txt');
    writeFileSync(targets, '# lab hosts\n198.18.7.0/30\n');
    const run = await runCli(['scan', '-iL', targets, '-p', String(openPorts[0]), '--exclude-file', join(work, 'missing.txt'), '--json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
  });

  it('an output file that cannot be written is a typed error before the sweep', async () => {
    const run = await runCli(['scan', '127.0.0.1', '-p', String(openPorts[0]), '--json', '-o', join(work, 'no-such-dir', 'out.jsonl')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Expected a writable output file at .*no-such-dir.*, got ENOENT/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('honours exclusions', async () => {
    const run = await runCli(['scan', '198.18.8.0/29', '-p', String(openPorts[0]), '--exclude', '198.18.8.2-198.18.8.5', '--json']);
    const found = lines(run.stdout).filter((r) => r.type === 'result').map((r) => r.address).sort();
    expect(found).toEqual(['198.18.8.0', '198.18.8.1', '198.18.8.6', '198.18.8.7']);
  });
});

describe.skipIf(!lab.available)('check / suggest --network (built CLI, lab)', () => {
  let server: Server;
  const port = 7406;
  beforeAll(async () => {
    [server] = (await listenAll([port], '0.0.0.0')) as [Server];
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('check reports the hosts that have the port open', async () => {
    const run = await runCli(['check', String(port), '--network', '198.18.9.0/29', '--no-bind-probe', '--no-listeners', '--json', ...smallSources]);
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.conflicts).toContain('network');
  });

  it('suggest drops candidates found open on the network', async () => {
    const base = ['suggest', '--range', '7405-7409', '--count', '5', '--no-bind-probe', '--no-listeners', '--json', ...smallSources];
    const without = JSON.parse((await runCli(base)).stdout);
    expect(without.candidates.map((c: { port: number }) => c.port)).toContain(port);
    const run = await runCli([...base, '--network', '198.18.9.0/29']);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.candidates.map((c: { port: number }) => c.port)).not.toContain(port);
    expect(report.network.openOn.length).toBe(8);
  });

  it('refuses --network with a protocol it cannot sweep', async () => {
    const run = await runCli(['check', String(port), '--proto', 'udp', '--network', '198.18.9.0/29', ...smallSources]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/udp/);
  });
});
