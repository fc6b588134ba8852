import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { closeAll, listenAll } from '../helpers/listeners.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canBindResolvConf, watchDns, withResolver, type DnsWatch } from '../helpers/dns-watch.js';
import { lab } from '../helpers/lab.js';
import { canValidateWithNmapDtd, portpickNmapDtd, xmllintErrors } from '../helpers/nmap-dtd.js';
import { required } from '../helpers/required.js';
import { runCli } from './run-cli.js';

/**
 * Safe by default: nothing becomes a target by accident, nothing is
 * swept that no host can answer on, wide sweeps beyond this host's links need
 * a rate. Inside the private-namespace lab, with a resolver of the test's own.
 */

const work = mkdtempSync(join(tmpdir(), 'portpick-safety-'));
const resolverUsable = lab.available && required(canBindResolvConf(), 'a private mount namespace (unshare --mount)', 'run the tests as root through `npm test`');

describe.skipIf(!resolverUsable)('no target by accident (resolver watched)', () => {
  let dns: DnsWatch;
  let server: Server;
  const port = 21555;
  beforeAll(async () => {
    dns = await watchDns(new Map([['lab-host.portpick.test', '198.18.3.7']]));
    [server] = (await listenAll([port], '0.0.0.0')) as [Server];
  });
  afterAll(async () => {
    await dns.close();
    await closeAll([server]);
  });
  const inResolver = { wrap: (command: string[]) => withResolver(dns.resolvConf, command) };

  it('the watch sees lookups: a real name is asked for, resolved and swept', async () => {
    dns.queries.length = 0;
    const run = await runCli(['scan', 'lab-host.portpick.test', '-p', String(port), '--json'], inResolver);
    expect(run.code, run.stderr).toBe(0);
    expect(dns.queries).toContain('lab-host.portpick.test');
    expect(run.stdout).toContain('"address":"198.18.3.7"');
    expect(run.stdout).toContain('"hostnames":{"198.18.3.7":["lab-host.portpick.test"]}');
  });

  it('-oX f.xml writes valid nmap XML, and nobody asks DNS for f.xml', async () => {
    dns.queries.length = 0;
    const file = join(work, 'f.xml');
    const run = await runCli(['scan', '198.18.3.0/30', 'lab-host.portpick.test', '-p', `${port},20999`, '-oX', file], inResolver);
    expect(run.code, run.stderr).toBe(0);
    expect(dns.queries.filter((name) => name.includes('f.xml'))).toEqual([]);
    expect(dns.queries).toContain('lab-host.portpick.test'); // the resolver was in use
    const xml = readFileSync(file, 'utf8');
    expect(xml).toContain('scanner="portpick"');
    expect(xml).toContain('<hostname name="lab-host.portpick.test" type="user"/>');
    for (let host = 0; host < 4; host += 1) expect(xml).toContain(`addr="198.18.3.${host}"`);
    if (canValidateWithNmapDtd()) expect(xmllintErrors(file, portpickNmapDtd(work))).toBeNull();
    // Standard output still gets the table, as nmap prints its normal output beside -oX.
    expect(run.stdout).toMatch(/198\.18\.3\.7 \(lab-host\.portpick\.test\)\s+1 open/);
  });

  it.each([
    [['198.18.3.0/30', '-p', '22', 'f.xml'], /`f\.xml`, which looks like a file name: did you mean -oX f\.xml/],
    [['198.18.3.0/30', '-p', '22', '-o', 'X', 'f.xml'], /got `-o X`, a format letter.*-oX FILE/],
    [['198.18.3.0/30', '-p', '22', '-o', 'G', 'f.gnmap'], /got `-o G`.*-oG FILE/],
    [['198.18.3.0/30', '-p', '22', '-o', 'xml'], /got `-o xml`, a format name: write --format xml -o FILE/],
    [['-p', '22', 'hosts.txt'], /-iL hosts\.txt/],
  ])('refuses scan %j before any lookup, naming the flag meant', async (args, message) => {
    dns.queries.length = 0;
    const run = await runCli(['scan', ...args], inResolver);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
    expect(dns.queries).toEqual([]);
  });
});

describe.skipIf(!lab.available)('nmap output flags', () => {
  it('-oA BASE writes BASE.nmap, BASE.xml and BASE.gnmap; -oJ and several at once', async () => {
    const base = join(work, 'all');
    const jsonl = join(work, 'all.jsonl');
    const run = await runCli(['scan', '198.18.3.8/30', '-p', '20999', '-oA', base, '-oJ', jsonl, '--format', 'ports', '-q']);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(`${base}.nmap`, 'utf8')).toMatch(/^No open ports found\.\n\nSummary/);
    expect(readFileSync(`${base}.xml`, 'utf8')).toMatch(/<\/nmaprun>\n$/);
    expect(readFileSync(`${base}.gnmap`, 'utf8').split('\n').filter((l) => l.startsWith('Host: '))).toHaveLength(4);
    expect(readFileSync(jsonl, 'utf8').split('\n').filter((l) => l.includes('"type":"result"'))).toHaveLength(4);
    expect(run.stdout).toBe(''); // --format ports: nothing open, nothing to hand off
  });

  it('refuses two reports to one file', async () => {
    const run = await runCli(['scan', '198.18.3.8/30', '-p', '22', '-oX', join(work, 'same.xml'), '-oA', join(work, 'same')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/one report per destination, got two for .*same\.xml/);
    expect(existsSync(join(work, 'same.gnmap'))).toBe(false);
  });
});

describe.skipIf(!lab.available)('default exclusions and the rate rules', () => {
  it('0.0.0.0/0 -p 80 --dry-run shows the default exclusions and is refused without --rate', async () => {
    const run = await runCli(['scan', '0.0.0.0/0', '-p', '80', '--dry-run']);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^Dry run: nothing was sent\./);
    expect(run.stdout).toMatch(/0\.0\.0\.0\/8 "this network": 16,777,216 addresses/);
    expect(run.stdout).toMatch(/224\.0\.0\.0\/4 multicast: 268,435,456 addresses/);
    expect(run.stdout).toMatch(/240\.0\.0\.0\/4 reserved.*: 268,435,456 addresses/);
    expect(run.stdout).toMatch(/probes\s+3,741,319,168 \(3,741,319,168 addresses × 1 port\)/);
    expect(run.stdout).toMatch(/REFUSED\s+Expected an explicit rate/);
    expect(run.stderr).toMatch(/without --dry-run this sweep would be refused: .*--rate N/);
  });

  it('with --rate the dry run passes and states the ceiling; --no-default-excludes sweeps everything', async () => {
    const run = await runCli(['scan', '0.0.0.0/0', '-p', '80', '--dry-run', '--rate', '2000', '--no-default-excludes']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/probes\s+4,294,967,296 /);
    expect(run.stdout).toMatch(/excluded\s+nothing by default/);
    expect(run.stdout).toMatch(/rate\s+ceiling 2,000 probes\/s \(given\)/);
    expect(run.stdout).not.toMatch(/REFUSED/);
  });

  it('without --dry-run the refusal stops the sweep before any probe', async () => {
    const out = join(work, 'refused.jsonl');
    // 203.0.113.0/24 is routed (unreachable) in the lab: 256 addresses × every port is beyond 2^20 probes.
    const run = await runCli(['scan', '203.0.113.0/24', '-p', '-', '--json', '-o', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Expected an explicit rate for a sweep of 256 addresses \(16,776,960 probes\)/);
    expect(existsSync(out)).toBe(false); // the output it would have made is not left behind
    const badPorts = await runCli(['scan', '198.18.3.0/30', '-p', 'http', '-oX', out]);
    expect(badPorts.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('sweeps of this host and its links keep the adaptive ramp; others get the 10,000/s ceiling, stated in the summary', async () => {
    const local = await runCli(['scan', '198.18.3.16/30', '-p', '20999', '--json']);
    expect(local.code, local.stderr).toBe(0);
    expect(local.stdout).toMatch(/"notes":\[[^\]]*"rate: no ceiling: every target is on this host or its links/);
    // 203.0.113.0/24 is an unreachable route in the lab: beyond this host, answered at once with EHOSTUNREACH.
    const routed = await runCli(['scan', '203.0.113.0/30', '-p', '20999', '--json']);
    expect(routed.code, routed.stderr).toBe(0);
    expect(routed.stdout).toMatch(/"rate: ceiling 10,000 probes\/s, the default for targets beyond this host's links \(4 of 4 addresses\)/);
  });

  it('--max-rate is --rate; --min-rate lets a wide sweep start and says it holds no floor', async () => {
    const max = await runCli(['scan', '203.0.113.0/24', '-p', '-', '--dry-run', '--max-rate', '3000']);
    expect(max.code, max.stderr).toBe(0);
    expect(max.stdout).toMatch(/ceiling 3,000 probes\/s \(given\)/);
    const min = await runCli(['scan', '203.0.113.0/24', '-p', '-', '--dry-run', '--min-rate', '20000']);
    expect(min.code, min.stderr).toBe(0);
    expect(min.stdout).toMatch(/ceiling 20,000 probes\/s \(min rate given/);
    const both = await runCli(['scan', '203.0.113.0/24', '-p', '-', '--dry-run', '--rate', '100', '--max-rate', '200']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/one ceiling/);
  });

  it('--excludefile is --exclude-file', async () => {
    const list = join(work, 'never.txt');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(list, '198.18.3.33\n');
    const run = await runCli(['scan', '198.18.3.32/30', '-p', '20999', '--excludefile', list, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const addresses = run.stdout.split('\n').filter((l) => l.includes('"type":"result"')).map((l) => JSON.parse(l).address as string).sort();
    expect(addresses).toEqual(['198.18.3.32', '198.18.3.34', '198.18.3.35']);
  });

  it('-iL - reads targets from standard input', async () => {
    const run = await runCli(['scan', '-iL', '-', '-p', '20999', '--json'], { input: '# from a pipe\n198.18.3.40\n198.18.3.41\n' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n').filter((l) => l.includes('"type":"result"'))).toHaveLength(2);
    expect(run.stdout).toContain('"targets":["-iL -"]');
  });
});

describe('--version', () => {
  it('names portpick, the native addon, its engines and Node', async () => {
    const run = await runCli(['--version']);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^portpick \d+\.\d+\.\d+$/);
    expect(lines[1]).toMatch(/^native addon: /);
    expect(lines[2]).toMatch(/^engines: .*connect-ts/);
    expect(lines[3]).toBe(`node: ${process.version} (${process.platform} ${process.arch}, N-API ${process.versions.napi})`);
  });
});
