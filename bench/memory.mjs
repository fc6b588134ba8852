// The memory scenario: does portpick's peak RSS stay flat as the number of
// targets grows? 127.0.0.0/24 × all 65,535 ports is compared with
// 127.0.0.0/8 × 1 port: both index spaces hold about 16.7 M probes, both sweeps
// run for the same few seconds and are stopped with SIGINT, so they do the same
// work at the same rate and only the target count differs. (A full /24 × 1 port
// sweep ends in a fraction of a second, before the JS heap reaches its steady
// size, and would measure start-up rather than scaling.)
// Runs in the scanner namespace on loopback (127.0.0.0/8 is local there: one
// listener on 127.0.0.1 is the only open pair). Target: /8 peak ≤ 1.2 × /24 peak.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startListeners, expectedOpen, scoreFindings } from './lab/ground-truth.mjs';
import { runMeasured } from './lab/measure.mjs';
import { sleep } from './lab/processes.mjs';
import { parsePortpickJsonLines, portpickCli } from './portpick-runner.mjs';

/** Highest allowed ratio of the /8 sweep's peak RSS to the /24 sweep's. */
export const MEMORY_RATIO_TARGET = 1.2;

/** The ratio and verdict for one engine, from the two peak RSS figures (kB). */
export function memoryVerdict(smallPeakKb, largePeakKb) {
  if (!smallPeakKb || !largePeakKb) return { ratio: null, met: null };
  const ratio = Number((largePeakKb / smallPeakKb).toFixed(3));
  return { ratio, met: ratio <= MEMORY_RATIO_TARGET };
}

/**
 * lab: { scanner } namespace; options: { modes: ['syn','connect'], port, boundSeconds,
 * timeoutSeconds, workDir, extraArgs, log }. Resolves the memory result record.
 */
export async function runMemoryScenario(lab, { modes, port, boundSeconds, timeoutSeconds, workDir, extraArgs = [], log }) {
  // Only 127.0.0.1 listens; every other address of the block answers RST.
  const truthOneHost = expectedOpen({ blocks: ['127.0.0.1/32'], openPorts: [port] });
  const listeners = await startListeners(lab.scanner, '127.0.0.1', [port]);
  const rows = [];
  try {
    for (const mode of modes) {
      const sweep = async (block, ports, interruptAfterMs) => {
        const outputFile = join(workDir, `memory-${mode}-${block.replace(/[./]/g, '_')}.jsonl`);
        const argv = [process.execPath, portpickCli, 'scan', block, '-p', ports, '--mode', mode,
          '--format', 'jsonl', '--open-only', '-o', outputFile, '--resume-file', join(workDir, `memory-${mode}-resume.json`), ...extraArgs];
        log(`bench: memory / portpick ${mode} ${block}${interruptAfterMs ? ` (stopped after ${boundSeconds} s)` : ''} ... `);
        const m = await runMeasured(lab.scanner, argv, { timeoutMs: timeoutSeconds * 1000, interruptAfterMs });
        const parsed = parsePortpickJsonLines(existsSync(outputFile) ? readFileSync(outputFile, 'utf8') : '');
        const score = scoreFindings(parsed.findings, truthOneHost);
        // An interrupted sweep exits 130 by contract (resume file written); a finished one exits 0.
        const ok = !m.timedOut && (interruptAfterMs ? m.code === 0 || m.code === 130 : m.code === 0);
        log(ok ? `${(m.wallMs / 1000).toFixed(2)} s, peak RSS ${m.peakRssKb ?? '?'} kB\n` : `failed (${m.timedOut ? 'timeout' : `exit ${m.code}`})\n`);
        return {
          block,
          ok,
          code: m.code,
          timedOut: m.timedOut,
          interrupted: Boolean(m.interrupted),
          wallMs: Math.round(m.wallMs),
          peakRssKb: m.peakRssKb,
          cpuSeconds: m.cpuSeconds,
          completed: parsed.summary?.completed ?? null,
          planned: parsed.summary?.planned ?? null,
          recall: score.recall,
          falsePositives: score.falsePositives,
          error: ok ? null : (m.stderr.trim().split('\n').at(-1) ?? null),
        };
      };
      const small = await sweep('127.0.0.0/24', '-', boundSeconds * 1000);
      await sleep(300);
      const large = await sweep('127.0.0.0/8', String(port), boundSeconds * 1000);
      await sleep(300);
      const verdict = small.ok && large.ok ? memoryVerdict(small.peakRssKb, large.peakRssKb) : { ratio: null, met: null };
      rows.push({ id: `portpick-${mode}`, name: `portpick ${mode}`, small, large, ...verdict });
    }
  } finally {
    listeners.stop();
  }
  return {
    name: 'memory',
    description: `peak RSS: 127.0.0.0/24 × all ports vs 127.0.0.0/8 × 1 port (each stopped with SIGINT after ${boundSeconds} s), loopback`,
    port,
    boundSeconds,
    target: `/8 peak RSS ≤ ${MEMORY_RATIO_TARGET} × /24 peak RSS`,
    rows,
  };
}

/** The memory block of the printed table. */
export function formatMemory(memory) {
  const mb = (kb) => (kb ? (kb / 1024).toFixed(1) : '-');
  const header = ['tool', '/24 probes done', '/24 RSS MB', '/8 probes done', '/8 RSS MB', 'ratio', `≤ ${MEMORY_RATIO_TARGET}`];
  const table = [header];
  for (const row of memory.rows) {
    table.push([
      row.name,
      row.small.completed === null ? (row.small.ok ? '?' : 'error') : row.small.completed.toLocaleString('en-US'),
      mb(row.small.peakRssKb),
      row.large.completed === null ? (row.large.ok ? '?' : 'error') : row.large.completed.toLocaleString('en-US'),
      mb(row.large.peakRssKb),
      row.ratio === null ? '-' : row.ratio.toFixed(2),
      row.met === null ? 'not measured' : row.met ? 'met' : 'NOT met',
    ]);
  }
  const widths = header.map((_, column) => Math.max(...table.map((r) => String(r[column]).length)));
  const lines = ['', `memory: ${memory.description}`];
  for (const r of table) lines.push(`  ${r.map((cell, column) => (column === 0 ? String(cell).padEnd(widths[column]) : String(cell).padStart(widths[column]))).join('  ')}`);
  for (const row of memory.rows) {
    for (const part of [row.small, row.large]) if (part.error) lines.push(`  ${row.name} ${part.block}: ${part.error.slice(0, 160)}`);
  }
  return lines.join('\n');
}
