// Runs every selected tool on one scenario and scores each run against the
// scenario's ground truth. Used by run.mjs (the two-namespace lab) and by
// loopback-bench.mjs (no namespace: 127.0.0.1 only, connect tools only).
import { join } from 'node:path';
import { applyFilters } from './lab/nft-filters.mjs';
import { startListeners, expectedOpen, scoreFindings } from './lab/ground-truth.mjs';
import { sleep } from './lab/processes.mjs';
import { summarizeRuns } from './report.mjs';

/** The key under which a tool's version is recorded (nmap -sS and -sT share one, and so on). */
export function versionKey(tool) {
  if (tool.build) return `portpick@${tool.build}`;
  for (const family of ['nmap', 'portpick', 'masscan']) if (tool.id.startsWith(family)) return family;
  return tool.id;
}

/** Settings a tool uses on a scenario: its own, plus what the scenario changes for it. */
export function settingsFor(tool, scenario) {
  return tool.settingsFor ? tool.settingsFor(scenario) : tool.settings;
}

/**
 * lab: { scanner, targets (null: no filters possible), addresses }.
 * options: { runs, timeoutSeconds, deadline (ms epoch or null), log(text) }.
 * Resolves the scenario's result record (see README "JSON").
 */
export async function runScenario(lab, scenario, tools, options, ceilings, workDir, versions) {
  const ceilingPerSecond = ceilings?.[scenario.where === 'loopback' ? 'loopback' : 'veth'] ?? null;
  const truth = expectedOpen({ blocks: scenario.blocks, silent: scenario.silent, openPorts: scenario.openPorts });
  const plannedProbes = scenario.addressCount * scenario.portCount;
  const listenerNamespace = scenario.where === 'loopback' ? lab.scanner : lab.targets;
  if (lab.targets) await applyFilters(lab.targets, scenario.filters);
  else if (scenario.filters.length > 0) throw new Error(`Expected a targets namespace for the filters of ${scenario.name}, got none`);
  // listenPorts: the ports the bench opens itself, when the ground truth also holds ports it found open already.
  const listeners = await startListeners(listenerNamespace, scenario.listenerHost, scenario.listenPorts ?? scenario.openPorts);
  const result = {
    name: scenario.name,
    description: scenario.description,
    where: scenario.where,
    targets: scenario.targets,
    portSpec: scenario.portSpec,
    openPorts: scenario.openPorts,
    silent: scenario.silent,
    filters: scenario.filters,
    freshLink: Boolean(scenario.freshLink),
    plannedProbes,
    expectedOpen: truth.openCount,
    runsPerTool: options.runs,
    tools: [],
  };
  const log = options.log ?? ((text) => process.stderr.write(text));
  const runOne = async (tool, index) => {
    // freshLink: each tool's first run starts on a link that just came up (next hop unresolved).
    const freshLink = Boolean(scenario.freshLink && index === 0 && lab.resetLink);
    if (freshLink) await lab.resetLink();
    log(`bench: ${scenario.name} / ${tool.name} run ${index + 1}/${options.runs}${freshLink ? ' (link just up)' : ''} ... `);
    const outputFile = join(workDir, `${scenario.name}-${tool.id}-${index}.out`);
    const outcome = await tool.run({
      namespace: lab.scanner,
      addresses: lab.addresses,
      scenario,
      targets: scenario.targets,
      portSpec: scenario.portSpec,
      ports: scenario.ports,
      family: scenario.family,
      outputFile,
      workDir,
      timeoutMs: options.timeoutSeconds * 1000,
    });
    const m = outcome.measurement;
    const score = scoreFindings(outcome.findings, truth);
    log(m.timedOut ? 'timeout\n' : `${(m.wallMs / 1000).toFixed(2)} s, recall ${(score.recall * 100).toFixed(2)} %\n`);
    await sleep(500); // let SYN-ACK retransmissions and TIME_WAIT of the last run settle
    return {
      wallMs: Math.round(m.wallMs),
      code: m.code,
      timedOut: m.timedOut,
      cpuSeconds: m.cpuSeconds,
      userSeconds: m.userSeconds,
      systemSeconds: m.systemSeconds,
      peakRssKb: m.peakRssKb,
      freshLink,
      score,
      summary: outcome.summary ?? undefined,
      notes: [...(outcome.notes ?? []), ...(m.code !== 0 && !m.timedOut && !outcome.notes ? [`exit ${m.code}: ${m.stderr.trim().split('\n').at(-1) ?? ''}`] : [])],
    };
  };
  // Tools of one group (one engine in several builds: run.mjs --portpick-cli) take turns run by run,
  // the order rotating, so a change of load on a shared machine touches every build alike;
  // any other tool runs all its runs in a row.
  const units = [];
  for (const tool of tools) {
    const last = units.at(-1);
    if (tool.group && last?.[0].group === tool.group) last.push(tool);
    else units.push([tool]);
  }
  try {
    for (const unit of units) {
      const entries = unit.map((tool) => {
        const unsupported = tool.unsupported(scenario)
          ?? (versions[versionKey(tool)] === null ? (tool.missingReason ?? 'not installed (sh bench/setup-peers.sh)') : null)
          ?? (options.deadline !== null && Date.now() > options.deadline ? 'quick mode\'s time budget is spent' : null);
        return unsupported ? { tool, skipped: unsupported } : { tool, runs: [] };
      });
      const measured = entries.filter((entry) => entry.runs);
      for (let index = 0; index < options.runs; index += 1) {
        for (let turn = 0; turn < measured.length; turn += 1) {
          const entry = measured[(index + turn) % measured.length];
          entry.runs.push(await runOne(entry.tool, index));
        }
      }
      for (const { tool, skipped, runs } of entries) {
        if (skipped) {
          result.tools.push({ id: tool.id, name: tool.name, skipped });
          continue;
        }
        const summary = summarizeRuns(runs, plannedProbes, ceilingPerSecond);
        // The SYN engine's settled rate (jsonl summary `finalRate`), median over runs: the rate-limit scenario's answer.
        const finalRates = runs.map((r) => r.summary?.finalRate).filter((x) => typeof x === 'number');
        if (finalRates.length > 0) summary.finalRate = Math.round(finalRates.sort((a, b) => a - b)[Math.floor(finalRates.length / 2)]);
        const settings = settingsFor(tool, scenario);
        const build = tool.build ? { build: tool.build, group: tool.group } : {};
        result.tools.push({ id: tool.id, name: tool.name, ...build, settings, settingsChanged: settings !== tool.settings, summary, runList: runs });
      }
    }
  } finally {
    listeners.stop();
    if (lab.targets) await applyFilters(lab.targets, []);
    if (scenario.freshLink && lab.pinNeighbours) await lab.pinNeighbours();
  }
  return result;
}
