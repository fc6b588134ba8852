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
  // Only runs that finished with exit 0 give figures; a timeout or an error never counts as a result.
  const succeeded = runs.filter((r) => !r.timedOut && r.code === 0);
  const status = runs.length === 0 ? 'skipped'
    : succeeded.length === runs.length ? 'ok'
      : runs.some((r) => r.timedOut) ? (succeeded.length === 0 ? 'timeout' : 'partly timeout')
        : (succeeded.length === 0 ? 'error' : 'partly error');
  const wallMs = median(succeeded.map((r) => r.wallMs));
  const probesPerSecond = wallMs ? Math.round(plannedProbes / (wallMs / 1000)) : null;
  const worst = (key) => (succeeded.length === 0 ? null : Math.min(...succeeded.map((r) => r.score[key])));
  const most = (key) => (succeeded.length === 0 ? null : Math.max(...succeeded.map((r) => r.score[key])));
  return {
    status,
    runs: runs.length,
    medianWallMs: wallMs === null ? null : Math.round(wallMs),
    minWallMs: succeeded.length === 0 ? null : Math.min(...succeeded.map((r) => r.wallMs)),
    probesPerSecond,
    fractionOfCeiling: probesPerSecond && ceilingPerSecond ? Number((probesPerSecond / ceilingPerSecond).toFixed(3)) : null,
    recall: worst('recall'),
    precision: worst('precision'),
    missed: most('missed'),
    falsePositives: most('falsePositives'),
    peakRssKb: succeeded.length === 0 ? null : Math.max(...succeeded.map((r) => r.peakRssKb ?? 0)) || null,
    cpuSeconds: median(succeeded.map((r) => r.cpuSeconds)),
    firstError: runs.find((r) => r.code !== 0 && !r.timedOut)?.notes?.[0] ?? null,
  };
}

const fmt = {
  seconds: (ms) => (ms === null ? '-' : (ms / 1000).toFixed(2)),
  rate: (n) => (n === null ? '-' : n >= 10_000 ? `${Math.round(n / 1000)}k` : String(n)),
  // Never print a loss as 100 %: below 1, use as many decimals as it takes to show it.
  share: (x) => (x === null ? '-' : x === 1 ? '100%' : `${(x * 100).toFixed((x * 100).toFixed(2) === '100.00' ? 4 : 2)}%`),
  ceiling: (x) => (x === null ? '-' : `${(x * 100).toFixed(0)}%`),
  mb: (kb) => (kb === null ? '-' : (kb / 1024).toFixed(0)),
  cpu: (s) => (s === null ? '-' : s.toFixed(2)),
};

/** A plain-text table: one block per scenario, one row per tool. */
export function formatTable(results) {
  const header = ['tool', 'status', 'wall s', 'probes/s', 'of ceiling', 'recall', 'precision', 'RSS MB', 'CPU s'];
  const lines = [];
  for (const scenario of results.scenarios) {
    const runs = scenario.runsPerTool ? `, ${scenario.runsPerTool} run${scenario.runsPerTool === 1 ? '' : 's'}/tool` : '';
    lines.push('', `${scenario.name}: ${scenario.description} (${scenario.plannedProbes.toLocaleString('en-US')} probes, ${scenario.expectedOpen.toLocaleString('en-US')} open${runs})`);
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
    for (const tool of scenario.tools) {
      if (tool.summary?.firstError) lines.push(`  ${tool.name}: ${tool.summary.firstError.slice(0, 160)}`);
      if (typeof tool.summary?.finalRate === 'number') lines.push(`  ${tool.name}: settled rate ${tool.summary.finalRate.toLocaleString('en-US')} probes/s (median of runs)`);
      if (tool.summary && tool.settingsChanged) lines.push(`  ${tool.name}: settings here: ${tool.settings}`);
      if (scenario.freshLink && tool.runList?.length) {
        const perRun = tool.runList.map((r) => (r.timedOut || r.code !== 0 ? (r.timedOut ? 'timeout' : `exit ${r.code}`) : `${fmt.share(r.score.recall)}${r.score.missed ? ` (${r.score.missed} missed)` : ''}`) + (r.freshLink ? ' [link just up]' : ''));
        lines.push(`  ${tool.name}: recall per run ${perRun.join(', ')}`);
      }
    }
    lines.push(...skipped);
  }
  const settings = new Map();
  for (const scenario of results.scenarios) {
    for (const tool of scenario.tools) if (tool.summary && !tool.settingsChanged && !settings.has(tool.name)) settings.set(tool.name, tool.settings);
  }
  if (settings.size > 0) {
    lines.push('', 'settings (elsewhere as noted above):');
    for (const [name, text] of settings) lines.push(`  ${name}: ${text}`);
  }
  return lines.join('\n');
}

/** The engine's own time over a tool's successful runs (jsonl summary durationMs): wall minus it is start-up and reporting. */
function engineMedian(tool) {
  return median(tool.runList.filter((r) => !r.timedOut && r.code === 0).map((r) => r.summary?.durationMs));
}

/**
 * The A/B block (run.mjs --portpick-cli): per scenario and engine, each build's
 * median and minimum wall time over its successful runs, and their ratio to the
 * first build given (the baseline); the engine's median time; worst recall and precision.
 */
export function formatBuildComparison(results) {
  const builds = results.builds ?? [];
  if (builds.length < 2) return '';
  const baseline = builds[0].name;
  const lines = ['', `A/B, builds taking turns run by run (ratio = build ÷ ${baseline}; median and min of the successful runs):`];
  const ratio = (value, base) => (value === null || !base ? '' : ` (${(value / base).toFixed(3)})`);
  for (const scenario of results.scenarios) {
    const groups = [...new Set(scenario.tools.filter((t) => t.group).map((t) => t.group))];
    for (const group of groups) {
      const rows = scenario.tools.filter((t) => t.group === group);
      const baseTool = rows.find((t) => t.build === baseline);
      const base = baseTool?.summary ?? null;
      const baseEngineMs = baseTool?.summary ? engineMedian(baseTool) : null;
      for (const tool of rows) {
        const s = tool.summary;
        const head = `  ${scenario.name.padEnd(13)} ${group.padEnd(17)} ${tool.build.padEnd(Math.max(...builds.map((b) => b.name.length)))}`;
        if (!s) {
          lines.push(`${head}  skipped: ${tool.skipped}`);
          continue;
        }
        const succeeded = tool.runList.filter((r) => !r.timedOut && r.code === 0);
        const engineMs = engineMedian(tool);
        lines.push(`${head}  ${s.status} ${succeeded.length}/${s.runs} runs  median ${fmt.seconds(s.medianWallMs)} s${tool.build === baseline ? '' : ratio(s.medianWallMs, base?.medianWallMs)}` +
          `  min ${fmt.seconds(s.minWallMs)} s${tool.build === baseline ? '' : ratio(s.minWallMs, base?.minWallMs)}  engine median ${fmt.seconds(engineMs)} s${tool.build === baseline ? '' : ratio(engineMs, baseEngineMs)}` +
          `  recall ${fmt.share(s.recall)}  precision ${fmt.share(s.precision)}`);
      }
    }
  }
  return lines.join('\n');
}
