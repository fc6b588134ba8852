// Summaries of measured runs, and the printed table.

export function median(values) {
  const sorted = values.filter((v) => v !== null && v !== undefined).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * One tool on one scenario, from its runs: median wall time and CPU, worst recall
 * and precision, highest peak RSS; probes/s = planned probes / median wall time.
 */
export function summarizeRuns(runs, plannedProbes, ceilingPerSecond) {
  const finished = runs.filter((r) => !r.timedOut);
  const status = runs.length === 0 ? 'skipped' : finished.length === 0 ? 'timeout' : runs.some((r) => r.timedOut) ? 'partly timeout' : runs.some((r) => r.code !== 0) ? 'error' : 'ok';
  const wallMs = median(finished.map((r) => r.wallMs));
  const probesPerSecond = wallMs ? Math.round(plannedProbes / (wallMs / 1000)) : null;
  const worst = (key) => (finished.length === 0 ? null : Math.min(...finished.map((r) => r.score[key])));
  return {
    status,
    runs: runs.length,
    medianWallMs: wallMs === null ? null : Math.round(wallMs),
    probesPerSecond,
    fractionOfCeiling: probesPerSecond && ceilingPerSecond ? Number((probesPerSecond / ceilingPerSecond).toFixed(3)) : null,
    recall: worst('recall'),
    precision: worst('precision'),
    missed: finished.length === 0 ? null : Math.max(...finished.map((r) => r.score.missed)),
    falsePositives: finished.length === 0 ? null : Math.max(...finished.map((r) => r.score.falsePositives)),
    peakRssKb: Math.max(0, ...runs.map((r) => r.peakRssKb ?? 0)) || null,
    cpuSeconds: median(finished.map((r) => r.cpuSeconds)),
  };
}

const fmt = {
  seconds: (ms) => (ms === null ? '-' : (ms / 1000).toFixed(2)),
  rate: (n) => (n === null ? '-' : n >= 10_000 ? `${Math.round(n / 1000)}k` : String(n)),
  share: (x) => (x === null ? '-' : `${(x * 100).toFixed(x === 1 ? 0 : 2)}%`),
  ceiling: (x) => (x === null ? '-' : `${(x * 100).toFixed(0)}%`),
  mb: (kb) => (kb === null ? '-' : (kb / 1024).toFixed(0)),
  cpu: (s) => (s === null ? '-' : s.toFixed(2)),
};

/** A plain-text table: one block per scenario, one row per tool. */
export function formatTable(results) {
  const header = ['tool', 'status', 'wall s', 'probes/s', 'of ceiling', 'recall', 'precision', 'RSS MB', 'CPU s'];
  const lines = [];
  for (const scenario of results.scenarios) {
    lines.push('', `${scenario.name}: ${scenario.description} (${scenario.plannedProbes.toLocaleString('en-US')} probes, ${scenario.expectedOpen.toLocaleString('en-US')} open)`);
    const measured = [header];
    const skipped = [];
    for (const tool of scenario.tools) {
      const s = tool.summary;
      if (!s) {
        skipped.push(`  ${tool.name}: skipped, ${tool.skipped}`);
        continue;
      }
      measured.push([tool.name, s.status, fmt.seconds(s.medianWallMs), fmt.rate(s.probesPerSecond), fmt.ceiling(s.fractionOfCeiling),
        fmt.share(s.recall), fmt.share(s.precision), fmt.mb(s.peakRssKb), fmt.cpu(s.cpuSeconds)]);
    }
    const widths = header.map((_, column) => Math.max(...measured.map((row) => String(row[column]).length)));
    if (measured.length > 1) {
      for (const row of measured) {
        lines.push(`  ${row.map((cell, column) => (column < 2 ? String(cell).padEnd(widths[column]) : String(cell).padStart(widths[column]))).join('  ')}`);
      }
    }
    lines.push(...skipped);
  }
  return lines.join('\n');
}
