import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { closeAll, listenAll } from '../helpers/listeners.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lab } from '../helpers/lab.js';
import { canValidateWithNmapDtd, portpickNmapDtd, xmllintErrors } from '../helpers/nmap-dtd.js';
import { required } from '../helpers/required.js';
import { cliPath, runCli, testCacheDir } from './run-cli.js';

/**
 * Reports are never lost: a resumed sweep continues every
 * report of the run it resumes, in every format; an engine failure, a full
 * disk, a reader that went away, a second Ctrl-C or a hang-up all leave a
 * resume file and properly ended reports. Wire tests in the lab: real sweeps,
 * real signals, real EPIPE/ENOSPC/EMFILE.
 */

const work = mkdtempSync(join(tmpdir(), 'portpick-kept-'));
const OPEN = [21901, 21902];
const env = { ...process.env, PORTPICK_CACHE_DIR: testCacheDir };

interface Line {
  type: string;
  address?: string;
  port?: number;
  state?: string;
  completed?: number;
  planned?: number;
  interrupted?: boolean;
}
const parse = (text: string): Line[] => text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Line);
const resultKeys = (lines: Line[]): string[] => lines.filter((l) => l.type === 'result').map((l) => `${l.address}:${l.port}`);

/** Starts the CLI; `act(child)` may signal it; resolves with how it ended. */
function runAndSignal(
  args: string[],
  act: (child: ReturnType<typeof spawn>) => void,
  options: { cwd?: string; readStdout?: boolean } = {},
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env, cwd: options.cwd ?? work, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    if (options.readStdout !== false) child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    act(child);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `signal` once `file` holds at least `results` result lines (the sweep is under way), polling. */
function signalWhen(file: string, results: number, signal: NodeJS.Signals = 'SIGINT') {
  return (child: ReturnType<typeof spawn>): void => {
    const poll = setInterval(() => {
      const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
      const count = text.split('"type":"result"').length - 1;
      if (count >= results || child.exitCode !== null) {
        clearInterval(poll);
        child.kill(signal);
      }
    }, 25);
  };
}

describe.skipIf(!lab.available)('reports kept (built CLI, lab)', () => {
  let servers: Server[] = [];
  beforeAll(async () => {
    servers = await listenAll(OPEN, '0.0.0.0');
  });
  afterAll(() => closeAll(servers));

  it('--resume with -o continues the reports in every format: JSON lines, CSV, grepable, XML, table, ports', async () => {
    const dir = mkdtempSync(join(work, 'every-format-'));
    // 256 hosts × 3 ports, two open: 768 probes at 300/s, interrupted after ~1 s.
    const sweep = ['scan', '198.18.20.0/24', '-p', `${OPEN[0]},${OPEN[1]},20999`, '--seed', '77', '--rate', '300', '--resume-file', 'resume.json', '-q'];
    const outputs = ['-oA', 'base', '-oJ', 'r.jsonl', '--format', 'csv', '-o', 'r.csv'];
    const first = await runAndSignal([...sweep, ...outputs], signalWhen(join(dir, 'r.jsonl'), 60), { cwd: dir });
    expect(first.code, first.stderr).toBe(130);
    expect(first.stderr).toMatch(/interrupted after \d+ of 768 probes; continue with the same arguments and --resume resume\.json/);
    const firstResults = resultKeys(parse(readFileSync(join(dir, 'r.jsonl'), 'utf8')));
    expect(firstResults.length).toBeGreaterThan(0);
    expect(firstResults.length).toBeLessThan(768);
    // What the first run left is whole on its own: the XML ended, with exit="error".
    const firstXml = readFileSync(join(dir, 'base.xml'), 'utf8');
    expect(firstXml).toMatch(/<finished [^>]*exit="error"[^>]*\/>[\s\S]*<\/nmaprun>\n$/);

    const second = await runCli([...sweep, ...outputs, '--resume', 'resume.json'], { cwd: dir });
    expect(second.code, second.stderr).toBe(0);

    // JSON lines: one header, every probe once, one summary for the whole sweep.
    const lines = parse(readFileSync(join(dir, 'r.jsonl'), 'utf8'));
    expect(lines.filter((l) => l.type === 'header')).toHaveLength(1);
    const keys = resultKeys(lines);
    expect(keys).toHaveLength(768);
    expect(new Set(keys).size).toBe(768);
    expect(keys.slice(0, firstResults.length)).toEqual(firstResults); // the first run's lines kept, in place
    const summaries = lines.filter((l) => l.type === 'summary');
    expect(summaries).toHaveLength(1);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', completed: 768, planned: 768, interrupted: false });
    const merged = await runCli(['merge', join(dir, 'r.jsonl'), '--json']);
    expect(merged.code, merged.stderr).toBe(0);

    // CSV: one header row, every probe once.
    const csv = readFileSync(join(dir, 'r.csv'), 'utf8').split('\r\n').filter((l) => l !== '');
    expect(csv.filter((l) => l.startsWith('address,'))).toHaveLength(1);
    expect(new Set(csv.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).size).toBe(768);
    expect(csv).toHaveLength(769);

    // Grepable: the opening comment once, every probe once, one closing comment.
    const gnmap = readFileSync(join(dir, 'base.gnmap'), 'utf8').split('\n').filter((l) => l !== '');
    expect(gnmap.filter((l) => l.startsWith('# portpick') && l.includes('initiated'))).toHaveLength(1);
    expect(gnmap.filter((l) => l.startsWith('# portpick done'))).toHaveLength(1);
    expect(gnmap.filter((l) => l.startsWith('Host: '))).toHaveLength(768);
    expect(gnmap.at(-1)).toMatch(/^# portpick done/);

    // XML: one document, every open port once, finished successfully; valid.
    const xml = readFileSync(join(dir, 'base.xml'), 'utf8');
    expect(xml.match(/<nmaprun /g)).toHaveLength(1);
    expect(xml.match(/<port protocol="tcp"/g)).toHaveLength(512);
    expect(xml).toMatch(/exit="success"/);
    expect(xml).toMatch(/<hosts up="256" down="0" total="256"\/>/);
    if (canValidateWithNmapDtd()) expect(xmllintErrors(join(dir, 'base.xml'), portpickNmapDtd(dir))).toBeNull();

    // Table: every host with both open ports; the summary counts both runs.
    const table = readFileSync(join(dir, 'base.nmap'), 'utf8');
    expect(table.match(/ 2 open\n/g)).toHaveLength(256);
    expect(table).toMatch(/resumed: 2 runs make up this sweep/);
    expect(table).toMatch(/open\s+512\s+closed\s+256/);
  });

  it('--format ports and a resumed run: every host once, with both ports', async () => {
    const dir = mkdtempSync(join(work, 'ports-'));
    const sweep = ['scan', '198.18.21.0/25', '-p', `${OPEN[0]},${OPEN[1]},20999`, '--seed', '5', '--rate', '200', '--format', 'ports', '-o', 'open.txt', '-oJ', 'progress.jsonl', '--resume-file', 'resume.json', '-q'];
    const first = await runAndSignal(sweep, signalWhen(join(dir, 'progress.jsonl'), 40), { cwd: dir });
    expect(first.code, first.stderr).toBe(130);
    const second = await runCli([...sweep, '--resume', 'resume.json'], { cwd: dir });
    expect(second.code, second.stderr).toBe(0);
    const lines = readFileSync(join(dir, 'open.txt'), 'utf8').split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(128);
    expect(lines.every((l) => l.endsWith(` ${OPEN[0]},${OPEN[1]}`))).toBe(true);
  });

  it('refuses to resume into a report that changed since, and leaves it alone', async () => {
    const dir = mkdtempSync(join(work, 'changed-'));
    const sweep = ['scan', '198.18.22.0/24', '-p', `${OPEN[0]},20999`, '--seed', '9', '--rate', '300', '-oJ', 'r.jsonl', '--resume-file', 'resume.json', '-q'];
    const first = await runAndSignal(sweep, signalWhen(join(dir, 'r.jsonl'), 40), { cwd: dir });
    expect(first.code, first.stderr).toBe(130);
    writeFileSync(join(dir, 'r.jsonl'), `${readFileSync(join(dir, 'r.jsonl'), 'utf8')}{"edited":true}\n`);
    const before = readFileSync(join(dir, 'r.jsonl'), 'utf8');
    const second = await runCli([...sweep, '--resume', 'resume.json'], { cwd: dir });
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/Expected r\.jsonl as the interrupted run left it \(\d+ bytes\), got \d+ bytes/);
    expect(readFileSync(join(dir, 'r.jsonl'), 'utf8')).toBe(before);
  });

  it('a reader that goes away (EPIPE): the sweep stops, the XML is ended, the resume file written; the resume completes the XML', async () => {
    const dir = mkdtempSync(join(work, 'epipe-'));
    const sweep = ['scan', '198.18.23.0/24', '-p', `${OPEN[0]},${OPEN[1]},20995-20999`, '--seed', '3', '--rate', '2000', '--json', '-oX', 'x.xml', '--resume-file', 'resume.json', '-q'];
    const first = await runAndSignal(
      sweep,
      (child) => {
        child.stdout?.once('data', () => child.stdout?.destroy());
      },
      { cwd: dir, readStdout: false },
    );
    expect(first.signal, first.stderr).toBeNull();
    expect(first.code, first.stderr).toBe(2);
    expect(first.stderr).toMatch(/stopped: Expected to write the report to standard output, got EPIPE; after \d+ of 1792 probes; continue with .*--resume resume\.json/);
    expect(existsSync(join(dir, 'resume.json'))).toBe(true);
    expect(readFileSync(join(dir, 'x.xml'), 'utf8')).toMatch(/exit="error"[\s\S]*<\/nmaprun>\n$/);
    const second = await runCli([...sweep, '--resume', 'resume.json'], { cwd: dir });
    expect(second.code, second.stderr).toBe(0);
    const xml = readFileSync(join(dir, 'x.xml'), 'utf8');
    expect(xml).toMatch(/exit="success"/);
    expect(xml.match(/<port protocol="tcp"/g)).toHaveLength(512); // every open port, none twice
    if (canValidateWithNmapDtd()) expect(xmllintErrors(join(dir, 'x.xml'), portpickNmapDtd(dir))).toBeNull();
  });

  it('a full disk (ENOSPC) mid-sweep: what fit is kept, the resume file written; after space is freed, --resume completes the file exactly', () => {
    const dir = mkdtempSync(join(work, 'enospc-'));
    const disk = join(dir, 'disk');
    const sweep = ['scan', '198.18.24.0/24', '-p', `${OPEN[0]},20998,20999`, '--seed', '11', '--rate', '3000', '-oJ', `${disk}/r.jsonl`, '-oX', `${dir}/x.xml`, '--resume-file', `${dir}/resume.json`, '-q'];
    const quote = (args: string[]) => args.map((a) => `'${a}'`).join(' ');
    // A 16 KiB tmpfs in a private mount namespace, grown to 1 MiB before the resume.
    const script = [
      `mkdir -p ${disk} && mount -t tmpfs -o size=16k tmpfs ${disk}`,
      `${process.execPath} ${cliPath} ${quote(sweep)}; echo "first=$?" > ${dir}/codes`,
      `cp ${disk}/r.jsonl ${dir}/after-first.jsonl`,
      `mount -o remount,size=1m ${disk}`,
      `${process.execPath} ${cliPath} ${quote([...sweep, '--resume', `${dir}/resume.json`])}; echo "second=$?" >> ${dir}/codes`,
      `cp ${disk}/r.jsonl ${dir}/final.jsonl`,
    ].join(' && ');
    const run = spawnSync('unshare', ['--mount', '--', 'sh', '-c', script], { env, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(join(dir, 'codes'), 'utf8')).toBe('first=2\nsecond=0\n');
    expect(run.stderr).toMatch(/stopped: Expected to write the report to .*r\.jsonl, got ENOSPC/);
    const afterFirst = readFileSync(join(dir, 'after-first.jsonl'), 'utf8');
    expect(afterFirst.length).toBeGreaterThan(8000); // the disk was filled
    const final = parse(readFileSync(join(dir, 'final.jsonl'), 'utf8')); // every line whole: the cut line was dropped
    expect(final.filter((l) => l.type === 'header')).toHaveLength(1);
    const keys = resultKeys(final);
    expect(keys).toHaveLength(768);
    expect(new Set(keys).size).toBe(768);
    expect(final.at(-1)).toMatchObject({ type: 'summary', completed: 768, interrupted: false });
    expect(readFileSync(join(dir, 'x.xml'), 'utf8').match(/<port protocol="tcp"/g)).toHaveLength(256);
  });

  it('an engine failure after the plan (EMFILE opening raw sockets) still ends the XML and writes the resume file', () => {
    const dir = mkdtempSync(join(work, 'emfile-'));
    let failures = 0;
    // The file-descriptor limit at which the engine, not Node or the addon, runs out depends on the build: try a range.
    for (let limit = 14; limit <= 40 && failures === 0; limit += 1) {
      const xml = join(dir, `x-${limit}.xml`);
      const resume = join(dir, `resume-${limit}.json`);
      const run = spawnSync(
        'prlimit',
        [`--nofile=${limit}:${limit}`, process.execPath, cliPath, 'scan', '198.18.25.0/30', '-p', `${OPEN[0]}`, '--mode', 'syn', '-oX', xml, '--resume-file', resume, '-q'],
        { env, encoding: 'utf8', timeout: 30_000 },
      );
      if (!/engine failed \(EMFILE\)/.test(run.stderr)) continue;
      failures += 1;
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/stopped after 0 of 4 probes; continue with the same arguments and --resume/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(readFileSync(xml, 'utf8')).toMatch(/<finished [^>]*exit="error"[^>]*errormsg="interrupted after 0 of 4 probes"\/>[\s\S]*<\/nmaprun>\n$/);
      expect(JSON.parse(readFileSync(resume, 'utf8'))).toMatchObject({ format: 'portpick-resume', startPosition: 0, completed: 0, shardTotal: 4 });
    }
    expect(failures, 'no file-descriptor limit made the SYN engine fail after the plan').toBeGreaterThan(0);
  });

  it('a second Ctrl-C while stdout is stuck (its reader stopped reading) writes the resume file at once; nothing is lost or repeated', async () => {
    const dir = mkdtempSync(join(work, 'second-'));
    // 256 × 40 probes of JSON lines: far more than a pipe holds.
    const sweep = ['scan', '198.18.26.0/24', '-p', `${OPEN[0]},20960-20998`, '--seed', '21', '--json', '--resume-file', 'resume.json', '-q'];
    let stdout = '';
    let resumeFileBeforeReading = false;
    const first = await runAndSignal(
      sweep,
      (child) => {
        child.stdout?.pause(); // the reader stops reading: the CLI waits for 'drain'
        void (async () => {
          await sleep(1500);
          child.kill('SIGINT'); // stops the sweep; the CLI still waits for the reader
          await sleep(500);
          expect(child.exitCode).toBeNull(); // still waiting …
          expect(existsSync(join(dir, 'resume.json'))).toBe(false);
          child.kill('SIGINT'); // … until the second Ctrl-C: the resume file now, without the reader
          await sleep(300);
          resumeFileBeforeReading = existsSync(join(dir, 'resume.json'));
          child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
          child.stdout?.resume(); // the reader reads again: what the CLI had handed over arrives
        })();
      },
      { cwd: dir, readStdout: false },
    );
    expect(first.signal, first.stderr).toBeNull();
    expect(first.code, first.stderr).toBe(130);
    expect(resumeFileBeforeReading).toBe(true);
    expect(first.stderr).toMatch(/interrupted after \d+ of 10240 probes; continue with/);
    const received = resultKeys(parse(stdout));
    const second = await runCli([...sweep, '--resume', 'resume.json'], { cwd: dir });
    expect(second.code, second.stderr).toBe(0);
    const all = [...received, ...resultKeys(parse(second.stdout))];
    expect(new Set(all).size).toBe(10240); // nothing lost …
    expect(all).toHaveLength(10240); // … nothing twice: the resume file was brought up to date once the reader had read
  });

  it('a third Ctrl-C ends the process at once, the resume file already written', async () => {
    const dir = mkdtempSync(join(work, 'third-'));
    const sweep = ['scan', '198.18.28.0/24', '-p', `${OPEN[0]},20960-20998`, '--seed', '22', '--json', '--resume-file', 'resume.json', '-q'];
    const run = await runAndSignal(
      sweep,
      (child) => {
        child.stdout?.pause();
        void (async () => {
          await sleep(1500);
          child.kill('SIGINT');
          await sleep(300);
          child.kill('SIGINT');
          await sleep(300);
          child.kill('SIGINT');
        })();
      },
      { cwd: dir, readStdout: false },
    );
    expect(run.signal, run.stderr).toBe('SIGINT');
    expect(existsSync(join(dir, 'resume.json'))).toBe(true);
  });

  it('a hang-up (SIGHUP) stops the sweep like Ctrl-C: a resume file, and the resume finishes the rest', async () => {
    const dir = mkdtempSync(join(work, 'hup-'));
    const sweep = ['scan', '198.18.27.0/24', '-p', `${OPEN[0]},20999`, '--seed', '8', '--rate', '300', '-oJ', 'r.jsonl', '--resume-file', 'resume.json', '-q'];
    const first = await runAndSignal(sweep, signalWhen(join(dir, 'r.jsonl'), 40, 'SIGHUP'), { cwd: dir });
    expect(first.signal, first.stderr).toBeNull();
    expect(first.code, first.stderr).toBe(130);
    expect(existsSync(join(dir, 'resume.json'))).toBe(true);
    const second = await runCli([...sweep, '--resume', 'resume.json'], { cwd: dir });
    expect(second.code, second.stderr).toBe(0);
    const keys = resultKeys(parse(readFileSync(join(dir, 'r.jsonl'), 'utf8')));
    expect(new Set(keys).size).toBe(512);
    expect(keys).toHaveLength(512);
  });
});

describe('merge keeps what a killed shard wrote', () => {
  it('a shard whose last line is cut short: every complete line merged, the cut named, exit 1', async () => {
    const dir = mkdtempSync(join(work, 'merge-cut-'));
    const header = { type: 'header', schema: 'portpick.scan/1', resultFilter: 'all', args: ['portpick'], startedAt: '2024-03-05T10:20:30.000Z', targets: ['198.18.0.0/30'], ports: '80', engine: 'syn', seed: '1', shard: { index: 0, count: 1 }, version: '0.1.0' };
    const result = (host: number) => ({ type: 'result', schema: 'portpick.scan/1', address: `198.18.0.${host}`, family: 4, port: 80, protocol: 'tcp', state: 'open', reason: 'syn-ack', rttMs: 0.1, tries: 1, engine: 'syn' });
    const lines = [header, result(0), result(1), result(2)].map((l) => JSON.stringify(l));
    const cut = `${lines.join('\n')}\n${JSON.stringify(result(3)).slice(0, 50)}`;
    writeFileSync(join(dir, 'killed.jsonl'), cut);
    const run = await runCli(['merge', join(dir, 'killed.jsonl'), '--json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/killed\.jsonl:5: the last line is cut short .* the complete lines before it are merged/);
    expect(resultKeys(parse(run.stdout))).toEqual(['198.18.0.0:80', '198.18.0.1:80', '198.18.0.2:80']);
    // Damage anywhere but the last line is still an error.
    writeFileSync(join(dir, 'damaged.jsonl'), `${lines[0]}\n{"type":\n${lines[1]}\n`);
    const damaged = await runCli(['merge', join(dir, 'damaged.jsonl')]);
    expect(damaged.code).toBe(2);
    expect(damaged.stderr).toMatch(/damaged\.jsonl:2: Expected portpick JSON lines/);
  });

  it('merge -o into a path that cannot be written is a clear error, not a crash', async () => {
    const dir = mkdtempSync(join(work, 'merge-out-'));
    const input = join(dir, 'in.jsonl');
    writeFileSync(input, `${JSON.stringify({ type: 'header', schema: 'portpick.scan/1', resultFilter: 'all', args: ['portpick'], startedAt: '2024-03-05T10:20:30.000Z', targets: ['198.18.0.0/30'], ports: '80', engine: 'syn', seed: '1', shard: { index: 0, count: 1 }, version: '0.1.0' })}\n`);
    for (const output of [join(dir, 'no-such-dir', 'out.xml'), dir]) {
      const run = await runCli(['merge', input, '--format', 'xml', '-o', output]);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/^portpick: Expected a writable output file at .*, got (ENOENT|EISDIR)\n$/);
    }
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('the test helper that runs the CLI', () => {
  const shell = (command: string) => (argv: string[]) => ['sh', '-c', command, ...argv];

  it('reports a signal as a signal, never as an exit status', async () => {
    const killed = await runCli(['--version'], { wrap: shell('kill -TERM $$') });
    expect(killed).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(killed.stderr).toMatch(/ended by SIGTERM/);
    const crashed = await runCli(['--version'], { wrap: shell('kill -SEGV $$') });
    expect(crashed).toMatchObject({ code: null, signal: 'SIGSEGV' });
  });

  it('reports a timeout as one', async () => {
    const slow = await runCli(['--version'], { wrap: shell('sleep 5'), timeoutMs: 200 });
    expect(slow).toMatchObject({ code: null, signal: 'SIGKILL' });
    expect(slow.stderr).toMatch(/killed after 200 ms \(timeout\)/);
  });

  it('rejects when the command cannot start at all', async () => {
    await expect(runCli(['--version'], { wrap: () => ['/nonexistent/portpick-shell'] })).rejects.toThrow(/could not be started/);
  });

  it('passes exit statuses through unchanged', async () => {
    const run = await runCli(['--version'], { wrap: shell('exit 3') });
    expect(run).toMatchObject({ code: 3, signal: null });
  });
});

