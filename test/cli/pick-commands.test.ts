import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, smallSources } from './run-cli.js';

describe('portpick ranges', () => {
  it('prints the RFC 6335 table and places a port', async () => {
    const run = await runCli(['ranges', '55000', '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.ranges.map((r: { name: string }) => r.name)).toEqual(['System', 'User', 'Dynamic']);
    expect(report.port.range.name).toBe('Dynamic');
    expect(report.port.ephemeral.map((r: { os: string }) => r.os)).toContain('windows');
  });

  it('rejects a port out of range with a typed message and exit 2', async () => {
    const run = await runCli(['ranges', '70000']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('70000');
    expect(run.stderr).toMatch(/port from 0 to 65535, got `70000`/);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('portpick free', () => {
  it('lists the IANA-unassigned ports of the range that no other source claims', async () => {
    const run = await runCli(['free', '7398', '7422', '--json', ...smallSources]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    // 7410 assigned, 7411 reserved; 7401 seen open by nmap, 7403 in the services file,
    // 7404 reserved by the organisation, 7415 a well-known default (fixture).
    const claimed = [7410, 7411, 7401, 7403, 7404, 7415];
    const expected = [];
    for (let port = 7400; port <= 7420; port += 1) if (!claimed.includes(port)) expected.push(port);
    expect(report.ports).toEqual(expected);
    expect(report.counted).toEqual({ unassigned: 19, assigned: 1, reserved: 1, unknown: 4 });
    expect(report.excluded.bySource).toMatchObject({ nmap: 1, services: 1, reservations: 1, defaults: 1 });
  });

  it.each([
    ['--reservations', 'reservations.json', 7404],
    ['--services', 'services-small', 7403],
    ['--nmap-services', 'nmap-services-small', 7401],
    ['--defaults', '../defaults/well-known-defaults-small.json', 7415],
  ])('honours %s: the port it names is listed without it and dropped with it', async (flag, file, port) => {
    const base = ['free', '7400', '7420', '--json', '--iana', 'iana-small.csv'];
    // Each run names only the source under test; the others point at files that claim nothing here.
    const neutral: Record<string, string[]> = {
      '--reservations': ['--reservations', 'reservations-none.json'],
      '--services': ['--services', 'services-none'],
      '--nmap-services': ['--nmap-services', 'nmap-services-none'],
      '--defaults': ['--defaults', '../defaults/well-known-defaults-none.json'],
    };
    const others = Object.entries(neutral).filter(([name]) => name !== flag).flatMap(([, args]) => args);
    const without = JSON.parse((await runCli([...base, ...others, ...(neutral[flag] ?? [])])).stdout);
    expect(without.ports).toContain(port);
    const run = await runCli([...base, ...others, flag, file]);
    expect(run.code).toBe(0);
    const withFlag = JSON.parse(run.stdout);
    expect(withFlag.ports).not.toContain(port);
    expect(withFlag.ports).toHaveLength(without.ports.length - 1);
  });

  it('--proto tcp,udp lists ports free in both', async () => {
    const tcp = JSON.parse((await runCli(['free', '7400', '7420', '--json', ...smallSources])).stdout);
    const both = JSON.parse((await runCli(['free', '7400', '7420', '--proto', 'tcp,udp', '--json', ...smallSources])).stdout);
    expect(tcp.ports).toContain(7417);
    // 7417 is a UDP-only well-known default in the fixture: free for TCP, not for both.
    expect(both.ports).not.toContain(7417);
    expect(both.protocols).toEqual(['tcp', 'udp']);
    const text = await runCli(['free', '7400', '7420', '--proto', 'tcp,udp', ...smallSources]);
    expect(text.stdout).toMatch(/^\d+ free tcp and udp ports in 7400-7420/);
  });

  it('does not accept --no-listeners, which it would ignore', async () => {
    const run = await runCli(['free', '7400', '7409', '--no-listeners']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown option/);
  });

  it.each([
    [['free', '9000', '8000'], /9000.*8000|START/],
    [['free', 'abc', '8000'], /abc/],
    [['free', '1', '65536'], /65536/],
  ])('refuses %j', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('names the line of a malformed registry file', async () => {
    const run = await runCli(['free', '1', '100', '--iana', '../iana/port-70000.csv']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/port-70000\.csv:\d+/);
  });
});

describe('portpick check', () => {
  let server: Server;
  let busyPort = 0;
  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(7412, '::', resolve));
    busyPort = 7412;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('exits 0 for a port every source leaves free', async () => {
    const run = await runCli(['check', '7405', '--json', ...smallSources]);
    const report = JSON.parse(run.stdout);
    expect(report.overall).toBe('free');
    expect(run.code).toBe(0);
  });

  it.each([
    [7410, 'iana'],
    [7411, 'iana'],
    [7401, 'nmap'],
    [7403, 'services'],
    [7404, 'reservations'],
    [49200, 'range'],
  ])('exits 1 when %i conflicts with %s', async (port, source) => {
    const run = await runCli(['check', String(port), '--json', ...smallSources]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.conflicts).toContain(source);
  });

  it('exits 1 for a port a well-known product defaults to, naming it, with the citation', async () => {
    const run = await runCli(['check', '7415', '--json', ...smallSources]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.conflicts).toEqual(['defaults']);
    const defaults = report.verdicts.find((v: { source: string }) => v.source === 'defaults');
    expect(defaults.summary).toBe("Fixture Tool's agent defaults to 7415/tcp.");
    expect(defaults.evidence.defaults[0].citation).toEqual({ url: 'https://example.org/fixture-tool', kind: 'documentation', checked: '2026-07-15' });
    const text = await runCli(['check', '7415', ...smallSources]);
    expect(text.stdout).toContain("[FAIL] defaults       Fixture Tool's agent defaults to 7415/tcp.");
    expect(text.stdout).toContain('https://example.org/fixture-tool (documentation, checked 2026-07-15)');
  });

  it('--k8s makes the Kubernetes NodePort range a conflict', async () => {
    const iana = ['--iana', 'iana-small.csv'];
    const plain = JSON.parse((await runCli(['check', '31000', '--json', '--no-bind-probe', ...iana])).stdout);
    expect(plain.verdicts.find((v: { source: string }) => v.source === 'kubernetes').status).toBe('warning');
    const run = await runCli(['check', '31000', '--k8s', '--json', '--no-bind-probe', ...iana]);
    const report = JSON.parse(run.stdout);
    expect(report.verdicts.find((v: { source: string }) => v.source === 'kubernetes').status).toBe('conflict');
    expect(run.code).toBe(1);
  });

  it('finds a dual-stack listener through the listener table and the bind probe', async () => {
    const run = await runCli(['check', String(busyPort), '--json', ...smallSources]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.conflicts).toEqual(expect.arrayContaining(['listeners', 'bind']));
  });

  it('says when nmap-services is absent instead of passing silently', async () => {
    const run = await runCli(['check', '7405', '--iana', 'iana-small.csv', '--services', 'services-small', '--nmap-services', 'does-not-exist']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/does-not-exist/);
  });

  it.each([['0'], ['70000'], ['abc'], ['80.5'], ['']])('refuses port %j with exit 2', async (port) => {
    const run = await runCli(['check', port]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/port from 1 to 65535/);
  });

  it('refuses an unknown protocol', async () => {
    const run = await runCli(['check', '7405', '--proto', 'icmp']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/icmp/);
  });
});

describe('portpick suggest', () => {
  it('ranks candidates that pass every source, and counts exclusions per source', async () => {
    const run = await runCli(['suggest', '--range', '7398-7422', '--count', '30', '--json', ...smallSources]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    const ports = report.candidates.map((c: { port: number }) => c.port);
    for (const taken of [7401, 7403, 7404, 7410, 7411, 7398, 7399, 7421, 7422]) expect(ports).not.toContain(taken);
    expect(ports).toContain(7405);
    // 7402 is listed by nmap but never seen open: allowed, but ranked after every unlisted port.
    expect(ports[ports.length - 1]).toBe(7402);
    expect(report.excluded.bySource.nmap).toBe(1);
    expect(report.excluded.bySource.services).toBe(1);
    expect(report.excluded.bySource.reservations).toBe(1);
  });

  it('every suggested port passes `check`', async () => {
    const run = await runCli(['suggest', '--range', '7398-7422', '--count', '3', '--json', ...smallSources]);
    const report = JSON.parse(run.stdout);
    expect(report.candidates).toHaveLength(3);
    for (const candidate of report.candidates) {
      const checked = await runCli(['check', String(candidate.port), ...smallSources]);
      expect(checked.code, `check ${candidate.port}: ${checked.stdout}`).toBe(0);
    }
  });

  it('--proto tcp,udp suggests ports free in both', async () => {
    const run = await runCli(['suggest', '--range', '7413-7419', '--count', '7', '--proto', 'tcp,udp', '--json', ...smallSources]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    // 7415 (TCP and UDP) and 7417 (UDP) are well-known defaults in the fixture.
    expect(report.candidates.map((c: { port: number }) => c.port).sort()).toEqual([7413, 7414, 7416, 7418, 7419]);
    expect(report.protocols).toEqual(['tcp', 'udp']);
  });

  it('gives the same port for the same --name', async () => {
    const args = ['suggest', '--range', '7398-7422', '--count', '1', '--name', 'my-service', '--json', ...smallSources];
    const first = JSON.parse((await runCli(args)).stdout);
    const second = JSON.parse((await runCli(args)).stdout);
    expect(first.candidates[0].port).toBe(second.candidates[0].port);
  });

  it('refuses a bad --count and a reversed --range', async () => {
    expect((await runCli(['suggest', '--count', 'many'])).code).toBe(2);
    const reversed = await runCli(['suggest', '--range', '9000-8000']);
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toMatch(/9000/);
  });
});

describe('portpick request', () => {
  it('drafts the RFC 6335 template for a free port and a valid name', async () => {
    const run = await runCli(['request', '--name', 'my-svc', '--port', '7405', '--proto', 'tcp', '--description', 'Job queue', ...smallSources]);
    expect(run.code).toBe(0);
    for (const field of ['Service Name', 'Transport Protocol', 'Assignee', 'Contact', 'Description', 'Reference', 'Port Number']) {
      expect(run.stdout).toContain(field);
    }
    expect(run.stdout).toContain('my-svc');
  });

  it('reports every broken naming rule and a port IANA already assigned', async () => {
    const run = await runCli(['request', '--name', '-bad--name-that-is-long', '--port', '7410', '--json', ...smallSources]);
    expect(run.code).toBe(1);
    const draft = JSON.parse(run.stdout);
    expect(draft.valid).toBe(false);
    expect(draft.problems.length).toBeGreaterThanOrEqual(3);
  });

  it('warns about the Dynamic range', async () => {
    const run = await runCli(['request', '--name', 'dyn-svc', '--port', '50000', '--json', ...smallSources]);
    const draft = JSON.parse(run.stdout);
    expect([...draft.problems, ...draft.warnings].join(' ')).toMatch(/Dynamic/);
  });
});

describe('help', () => {
  it.each(['ranges', 'free', 'check', 'suggest', 'request', 'inventory', 'reserve', 'scan', 'merge', 'update', 'sources'])('%s --help shows examples', async (command) => {
    const run = await runCli([command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Usage: portpick/);
  });
});
