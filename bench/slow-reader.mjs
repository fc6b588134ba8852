// The slow-reader scenario: does a sweep with many results stay bounded in
// memory when its consumer is slow? An AnyIP block × 10 ports, every probed port
// open, over the veth pair, with JSON lines (a) written to /dev/null and (b) piped
// into a reader that takes SLOW_READER_BYTES_PER_SECOND (lab/slow-reader.mjs).
// Target: (b)'s peak RSS ≤ 1.5 × (a)'s. The sweep must then wait for its reader
// (the engine holds new probes back while results are not taken, the command
// line waits for its output to drain) instead of keeping what it found in memory.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startListeners } from './lab/ground-truth.mjs';
import { runMeasured, canMeasure, TIME_BINARY, TOOL_ENVIRONMENT } from './lab/measure.mjs';
import { sleep } from './lab/processes.mjs';
import { portpickCli } from './portpick-runner.mjs';

export const SLOW_READER_BYTES_PER_SECOND = 5_000_000;
export const SLOW_READER_RATIO_TARGET = 1.5;
const readerScript = fileURLToPath(new URL('./lab/slow-reader.mjs', import.meta.url));

/** Runs argv (in `namespace`) under time(1) with its stdout piped into the slow reader. */
function runPipedIntoSlowReader(namespace, argv, { timeoutMs, reportFile }) {
  return new Promise((resolve, reject) => {
    const dir = mkdtempSync(join(tmpdir(), 'portpick-bench-'));
    const usageFile = join(dir, 'usage');
    const started = process.hrtime.bigint();
    const reader = spawn(process.execPath, [readerScript, String(SLOW_READER_BYTES_PER_SECOND), reportFile], {
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    const timed = canMeasure() ? [TIME_BINARY, '-o', usageFile, '-f', 'rusage %U %S %M', ...argv] : argv;
    const wrapped = namespace.wrap(timed);
    // The sweep writes straight into the reader's pipe (no copy through this process).
    const sweep = spawn(wrapped[0], wrapped.slice(1), { stdio: ['ignore', reader.stdin, 'pipe'], env: TOOL_ENVIRONMENT, detached: true });
    reader.stdin.destroy(); // our end: only the sweep writes to the reader
    let stderr = '';
    sweep.stderr.on('data', (chunk) => { if (stderr.length < 100_000) stderr += chunk; });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-sweep.pid, 'SIGKILL'); } catch { /* gone */ }
    }, timeoutMs);
    sweep.on('error', reject);
    sweep.on('close', (code) => {
      clearTimeout(timer);
      reader.on('close', () => {
        const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
        const usage = existsSync(usageFile) ? /^rusage (\S+) (\S+) (\d+)$/m.exec(readFileSync(usageFile, 'utf8')) : null;
        rmSync(dir, { recursive: true, force: true });
        resolve({
          code,
          timedOut,
          wallMs,
          peakRssKb: usage ? Number(usage[3]) : null,
          cpuSeconds: usage ? Number(usage[1]) + Number(usage[2]) : null,
          stderr,
        });
      });
    });
  });
}

/**
 * lab: the veth lab; options: { modes, block, ports, timeoutSeconds, workDir, extraArgs, log }.
 * Resolves the scenario's result record.
 */
export async function runSlowReaderScenario(lab, { modes, block, addressCount, ports, timeoutSeconds, workDir, extraArgs = [], log }) {
  const listeners = await startListeners(lab.targets, '::', ports);
  const expectedLines = addressCount * ports.length;
  const rows = [];
  try {
    for (const mode of modes) {
      // --rate 0: no ceiling (the command line caps sweeps beyond this host's links otherwise): the consumer must set the pace.
      const argv = [process.execPath, portpickCli, 'scan', block, '-p', ports.join(','), '--mode', mode, '--rate', '0', '--format', 'jsonl', '--no-progress', ...extraArgs];
      log(`bench: slow-reader / portpick ${mode}, -o /dev/null ... `);
      const direct = await runMeasured(lab.scanner, [...argv, '-o', '/dev/null'], { timeoutMs: timeoutSeconds * 1000 });
      log(`${(direct.wallMs / 1000).toFixed(2)} s, peak RSS ${direct.peakRssKb ?? '?'} kB\n`);
      await sleep(500);
      const reportFile = join(workDir, `slow-reader-${mode}.json`);
      log(`bench: slow-reader / portpick ${mode}, piped into a reader of ${SLOW_READER_BYTES_PER_SECOND / 1e6} MB/s ... `);
      const piped = await runPipedIntoSlowReader(lab.scanner, argv, { timeoutMs: timeoutSeconds * 1000, reportFile });
      const read = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : null;
      log(`${(piped.wallMs / 1000).toFixed(2)} s, peak RSS ${piped.peakRssKb ?? '?'} kB, ${read?.lines ?? '?'} lines read\n`);
      await sleep(500);
      // Every result line plus the header and the summary line reached the reader.
      const complete = read !== null && read.lines >= expectedLines + 2;
      const ok = direct.code === 0 && !direct.timedOut && piped.code === 0 && !piped.timedOut && complete;
      const ratio = ok && direct.peakRssKb && piped.peakRssKb ? Number((piped.peakRssKb / direct.peakRssKb).toFixed(3)) : null;
      rows.push({
        id: `portpick-${mode}`,
        name: `portpick ${mode}`,
        direct: { wallMs: Math.round(direct.wallMs), peakRssKb: direct.peakRssKb, code: direct.code, timedOut: direct.timedOut },
        piped: { wallMs: Math.round(piped.wallMs), peakRssKb: piped.peakRssKb, code: piped.code, timedOut: piped.timedOut, linesRead: read?.lines ?? null, bytesRead: read?.bytes ?? null },
        ratio,
        met: ratio === null ? null : ratio <= SLOW_READER_RATIO_TARGET,
        error: ok ? null : (piped.stderr.trim().split('\n').at(-1) || direct.stderr.trim().split('\n').at(-1) || (complete ? null : `the reader got ${read?.lines ?? 0} lines of ${expectedLines + 2}`)),
      });
    }
  } finally {
    listeners.stop();
  }
  return {
    name: 'slow-reader',
    description: `peak RSS: ${block} × ${ports.length} ports (every port open) as JSON lines to /dev/null vs piped into a reader of ${SLOW_READER_BYTES_PER_SECOND / 1e6} MB/s`,
    target: `piped peak RSS ≤ ${SLOW_READER_RATIO_TARGET} × /dev/null peak RSS`,
    expectedLines,
    rows,
  };
}

/** The slow-reader block of the printed table. */
export function formatSlowReader(result) {
  const mb = (kb) => (kb ? (kb / 1024).toFixed(1) : '-');
  const s = (ms) => (ms === null || ms === undefined ? '-' : (ms / 1000).toFixed(2));
  const header = ['tool', '/dev/null s', '/dev/null RSS MB', 'piped s', 'piped RSS MB', 'lines read', 'ratio', `≤ ${SLOW_READER_RATIO_TARGET}`];
  const table = [header];
  for (const row of result.rows) {
    table.push([row.name, s(row.direct.wallMs), mb(row.direct.peakRssKb), s(row.piped.wallMs), mb(row.piped.peakRssKb),
      row.piped.linesRead === null ? '-' : row.piped.linesRead.toLocaleString('en-US'), row.ratio === null ? '-' : row.ratio.toFixed(2),
      row.met === null ? 'not measured' : row.met ? 'met' : 'NOT met']);
  }
  const widths = header.map((_, column) => Math.max(...table.map((r) => String(r[column]).length)));
  const lines = ['', `slow-reader: ${result.description}`];
  for (const r of table) lines.push(`  ${r.map((cell, column) => (column === 0 ? String(cell).padEnd(widths[column]) : String(cell).padStart(widths[column]))).join('  ')}`);
  for (const row of result.rows) if (row.error) lines.push(`  ${row.name}: ${row.error.slice(0, 160)}`);
  return lines.join('\n');
}
