import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { closeAll, listenAll } from '../helpers/listeners.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lab } from '../helpers/lab.js';
import { canValidateWithNmapDtd, NMAP_XSL, portpickNmapDtd, xmllintErrors } from '../helpers/nmap-dtd.js';
import { required } from '../helpers/required.js';
import { cliFixtures, cliPath, runCli, testCacheDir } from './run-cli.js';

/**
 * At home for nmap, masscan and zmap users: their shard conventions
 * round-trip through merge, nmap's own tools read the XML, the progress fits
 * the terminal. Run as the built binary inside the private-namespace lab.
 */

const work = mkdtempSync(join(tmpdir(), 'portpick-conventions-'));
const tool = (name: string): boolean => spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0 || spawnSync('which', [name], { stdio: 'ignore' }).status === 0;
const hasNdiff = lab.available && required(tool('ndiff'), 'ndiff', 'apt-get install ndiff');
const hasXsltproc = lab.available && required(tool('xsltproc'), 'xsltproc', 'apt-get install xsltproc');
const hasScript = lab.available && required(tool('script'), 'script (a pseudo-terminal)', 'apt-get install bsdutils');

interface Line {
  type: string;
  address?: string;
  port?: number;
  state?: string;
  shard?: { index: number; count: number };
}
const parse = (text: string): Line[] => text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Line);
const keys = (lines: Line[]): string[] => lines.filter((l) => l.type === 'result').map((l) => `${l.address}:${l.port}:${l.state}`).sort();

describe.skipIf(!lab.available)('conventions (built CLI, lab)', () => {
  // 6789: nmap-services calls it ibm-db2-admin, IANA radg (which name the XML uses shows which source won).
  const open = [21710, 6789];
  let servers: Server[] = [];
  beforeAll(async () => {
    servers = await listenAll(open, '0.0.0.0');
  });
  afterAll(() => closeAll(servers));

  it("masscan's --shard i/n (1-based) and zmap's --shards N --shard I (0-based) name the same shards, and merge back into the whole", async () => {
    const sweep = ['scan', '198.18.5.0/28', '-p', `${open[0]},20999`, '--seed', '4242'];
    const masscan: string[] = [];
    const zmap: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      masscan.push(join(work, `masscan-${i + 1}-of-3.jsonl`));
      zmap.push(join(work, `zmap-${i}-of-3.jsonl`));
      const a = await runCli([...sweep, '--shard', `${i + 1}/3`, '-oJ', masscan[i] as string, '-q']);
      const b = await runCli([...sweep, '--shards', '3', '--shard', String(i), '-oJ', zmap[i] as string, '-q']);
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      const linesA = parse(readFileSync(masscan[i] as string, 'utf8'));
      const linesB = parse(readFileSync(zmap[i] as string, 'utf8'));
      expect(keys(linesA)).toEqual(keys(linesB)); // the same shard under both names
      expect(linesA[0]?.shard).toEqual({ index: i, count: 3 });
    }
    const all = masscan.flatMap((file) => keys(parse(readFileSync(file, 'utf8'))));
    expect(new Set(all.map((k) => k.split(':').slice(0, 2).join(':'))).size).toBe(32); // disjoint and complete
    // Shards from both conventions merge into one sweep …
    const merged = await runCli(['merge', masscan[0] as string, zmap[1] as string, masscan[2] as string, '--json']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(keys(parse(merged.stdout))).toEqual([...all].sort());
    // … and a missing one is named in both.
    const missing = await runCli(['merge', zmap[0] as string, zmap[2] as string]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/shards missing from the merge: 2\/3 \(zmap --shard 1\)/);
  });

  it('merge names services as scan does, in the table, XML and grep reports, with nmap-services as found or as given', async () => {
    // The lines of each report that name services, without timings or the command line (which differ between the two runs).
    const named = (dir: string): string[] => [
      ...readFileSync(join(dir, 'r.nmap'), 'utf8').split('\n').filter((line) => /^\d+\/tcp/.test(line) || line.startsWith('Nmap scan report')),
      ...(readFileSync(join(dir, 'r.xml'), 'utf8').match(/<port [^]*?<\/port>/g) ?? []),
      // grep lines stream in the order results came (a scan) or in address order (a merge)
      ...readFileSync(join(dir, 'r.gnmap'), 'utf8').split('\n').filter((line) => line.includes('Ports:')).sort(),
    ];
    const smallNmap = join(cliFixtures, 'nmap-services-small'); // names 7401 busy-thing, not 6789: IANA's radg then
    for (const nmapFlags of [[], ['--nmap-services', smallNmap]]) {
      const scanned = mkdtempSync(join(work, 'names-scan-'));
      const merged = mkdtempSync(join(work, 'names-merge-'));
      const scan = await runCli(['scan', '198.18.5.48/31', '-p', `${open[1]},${open[0]},7401,20999`, '-oA', join(scanned, 'r'), '-oJ', join(scanned, 'r.jsonl'), '-q', ...nmapFlags]);
      expect(scan.code, scan.stderr).toBe(0);
      const merge = await runCli(['merge', join(scanned, 'r.jsonl'), '-oA', join(merged, 'r'), ...nmapFlags]);
      expect(merge.code, merge.stderr).toBe(0);
      const fromScan = named(scanned);
      const nmapName = nmapFlags.length === 0 && existsSync('/usr/share/nmap/nmap-services');
      expect(fromScan.some((line) => line.includes(nmapName ? 'ibm-db2-admin' : 'radg')), fromScan.join('\n')).toBe(true);
      expect(named(merged)).toEqual(fromScan);
    }
  });

  it('--open is --open-only', async () => {
    const a = await runCli(['scan', '198.18.5.16/30', '-p', `${open[0]},20999`, '--open', '--json', '--seed', '1']);
    const b = await runCli(['scan', '198.18.5.16/30', '-p', `${open[0]},20999`, '--open-only', '--json', '--seed', '1']);
    expect(a.code, a.stderr).toBe(0);
    expect(keys(parse(a.stdout))).toEqual(keys(parse(b.stdout)));
    expect(keys(parse(a.stdout))).toHaveLength(4);
    expect(a.stdout).toContain('"resultFilter":"open"');
  });

  it('-v tells the plan and each open port as found; -q keeps stderr quiet', async () => {
    const verbose = await runCli(['scan', '198.18.5.20/31', '-p', `${open[0]},20999`, '-v', '-o', join(work, 'v.txt')]);
    expect(verbose.code, verbose.stderr).toBe(0);
    expect(verbose.stderr).toMatch(/^portpick: sweeping\n\s+probes\s+4 \(2 addresses × 2 ports\)/);
    expect(verbose.stderr).toContain(`Discovered open port ${open[0]}/tcp on 198.18.5.20`);
    expect(verbose.stderr).toContain(`Discovered open port ${open[0]}/tcp on 198.18.5.21`);
    const quiet = await runCli(['scan', '198.18.5.20/31', '-p', `${open[0]},20999`, '-q', '--stats-every', '1ms', '--rate', '50', '-o', join(work, 'q.txt')]);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toBe('');
    const both = await runCli(['scan', '198.18.5.20/31', '-p', '22', '-v', '-q']);
    expect(both.code).toBe(2);
  });

  it('off a terminal: a status line every --stats-every on stderr; none for a sweep shorter than the default 10 s', async () => {
    const slow = await runCli(['scan', '198.18.6.0/24', '-p', '20999,20998', '--rate', '400', '--stats-every', '300ms', '-o', join(work, 's.txt')]);
    expect(slow.code, slow.stderr).toBe(0);
    const lines = slow.stderr.split('\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).toMatch(/^portpick: \d+\.\d% done, [\d,]+ of 512 probes, [\d,]+\/s, 0 open, \d+s elapsed, ETA /);
    const quick = await runCli(['scan', '198.18.6.0/28', '-p', '20999', '-o', join(work, 's2.txt')]);
    expect(quick.stderr).toBe('');
  });

  it.skipIf(!hasScript)('on an 80-column terminal the progress bar is one line, redrawn in place, never wider than 79 columns', () => {
    const log = join(work, 'pty.log');
    const command = `stty cols 80 rows 24; exec ${process.execPath} ${cliPath} scan 198.18.7.0/24 -p 20999,20998,20997 --rate 1500 -o ${join(work, 'pty.txt')}`;
    const run = spawnSync('script', ['-q', '-e', '-c', command, log], {
      env: { ...process.env, PORTPICK_CACHE_DIR: testCacheDir, TERM: 'xterm' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const text = readFileSync(log, 'utf8').replace(/^Script started.*\n/m, '').replace(/\nScript done.*\n?$/m, '');
    const draws = text.split('\r').map((segment) => segment.replace(/\x1b\[K/g, '')).filter((segment) => segment.trim() !== '');
    expect(draws.length).toBeGreaterThanOrEqual(2); // it redrew
    for (const draw of draws) {
      expect(draw).not.toContain('\n'); // never a new line: the bar does not stack
      expect(draw.length, draw).toBeLessThanOrEqual(79);
      expect(draw).toMatch(/^\[[#.]+\] \d+\.\d%  /);
    }
  });

  it('--format ports: one line per host with its open ports, for nmap -sV -p', async () => {
    const run = await runCli(['scan', '198.18.5.24/31', '-p', `${open[1]},${open[0]},20999`, '--format', 'ports']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`198.18.5.24 ${open[1]},${open[0]}\n198.18.5.25 ${open[1]},${open[0]}\n`);
  });

  describe('nmap XML read by nmap\'s own tools', () => {
    const xmlA = join(work, 'a.xml');
    const xmlB = join(work, 'b.xml');
    beforeAll(async () => {
      const a = await runCli(['scan', '198.18.5.32/30', 'localhost', '-p', `${open[0]},${open[1]},20999`, '-oX', xmlA, '-q']);
      const b = await runCli(['scan', '198.18.5.32/30', 'localhost', '-p', `${open[0]},20999`, '-oX', xmlB, '-q']);
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
    });

    it('is valid against nmap.dtd (with its scanner attribute naming portpick)', () => {
      if (!canValidateWithNmapDtd()) return;
      expect(xmllintErrors(xmlA, portpickNmapDtd(work))).toBeNull();
      const xml = readFileSync(xmlA, 'utf8');
      expect(xml).toMatch(/<hostname name="localhost" type="user"\/>/);
      // Service names as nmap names them: nmap-services when it is installed, else IANA.
      const nmapServices = required(existsSync('/usr/share/nmap/nmap-services'), 'nmap-services', 'apt-get install nmap');
      expect(xml).toContain(`<port protocol="tcp" portid="6789"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="${nmapServices ? 'ibm-db2-admin' : 'radg'}" method="table" conf="3"/></port>`);
    });

    it.skipIf(!hasNdiff)('ndiff compares two of them: the same scan is no difference, a port gone is one', () => {
      const same = spawnSync('ndiff', [xmlA, xmlA], { encoding: 'utf8' });
      expect(same.status, same.stderr).toBe(0);
      const diff = spawnSync('ndiff', [xmlA, xmlB], { encoding: 'utf8' });
      expect(diff.status, diff.stderr).toBe(1); // 1: the scans differ
      expect(diff.stderr).toBe('');
      expect(diff.stdout).toMatch(new RegExp(`^-${open[1]}/tcp\\s+open`, 'm'));
      expect(diff.stdout).toMatch(/198\.18\.5\.32/);
      const asXml = spawnSync('ndiff', ['--xml', xmlA, xmlB], { encoding: 'utf8' });
      expect(asXml.status).toBe(1);
      expect(asXml.stdout).toContain('<nmapdiff');
    });

    it.skipIf(!hasXsltproc)('xsltproc turns it into nmap\'s HTML report with nmap.xsl', () => {
      const html = join(work, 'a.html');
      const run = spawnSync('xsltproc', ['-o', html, NMAP_XSL, xmlA], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).toBe('');
      const text = readFileSync(html, 'utf8');
      expect(text).toMatch(/<title>Nmap Scan Report - Scanned at /);
      for (let host = 32; host < 36; host += 1) expect(text).toContain(`198.18.5.${host}`);
      expect(text).toContain(String(open[1]));
      expect(text).toContain('localhost');
    });
  });
});
