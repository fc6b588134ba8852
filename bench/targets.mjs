// The speed, accuracy and memory targets of the scanner issues, judged from one
// bench result: each is "met", "NOT met" or "not measured" (a tool or scenario
// missing, skipped, timed out or inaccurate), always with the numbers behind it.
import { MEMORY_RATIO_TARGET } from './memory.mjs';

function toolIn(results, scenarioName, toolId) {
  const scenario = results.scenarios.find((s) => s.name === scenarioName);
  const tool = scenario?.tools.find((t) => t.id === toolId);
  return tool?.summary && tool.summary.medianWallMs !== null ? tool.summary : null;
}

const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const percent = (x) => `${(x * 100).toFixed(x === 1 ? 0 : 2)} %`;

/** portpick (exact) at least `factor` × faster than a peer on a scenario. */
function fasterThan(results, { target, scenario, tool, peer, factor, peerMustBeExact = true }) {
  const own = toolIn(results, scenario, tool);
  const other = toolIn(results, scenario, peer);
  if (!own || !other) return { target, met: null, detail: `not measured (${!own ? tool : peer} has no result on ${scenario})` };
  const speedup = other.medianWallMs / own.medianWallMs;
  const notes = [];
  if (own.recall !== 1) notes.push(`portpick recall ${percent(own.recall)}`);
  if (peerMustBeExact && other.recall !== 1) notes.push(`${peer} recall ${percent(other.recall)}`);
  const detail = `${tool} ${seconds(own.medianWallMs)} vs ${peer} ${seconds(other.medianWallMs)}: ${speedup.toFixed(2)}× (target ≥ ${factor}×)${notes.length ? `; ${notes.join(', ')}` : ''}`;
  return { target, met: own.recall === 1 && speedup >= factor, speedup: Number(speedup.toFixed(3)), detail };
}

/** Every target, in the order of the issues. */
export function evaluateTargets(results) {
  const verdicts = [];
  verdicts.push(fasterThan(results, { target: 'connect: 127.0.0.1 all ports ≥ 3× faster than nmap -sT -T4', scenario: 'loopback-all', tool: 'portpick-connect', peer: 'nmap-sT', factor: 3 }));
  verdicts.push(fasterThan(results, { target: 'connect: 127.0.0.1 all ports ≥ 1.5× faster than nmap -sT -T5 --min-rate 100000', scenario: 'loopback-all', tool: 'portpick-connect', peer: 'nmap-sT-T5', factor: 1.5, peerMustBeExact: false }));
  verdicts.push(fasterThan(results, { target: 'connect: AnyIP × 10 ports ≥ 1.7× faster than nmap -sT -T4', scenario: 'anyip', tool: 'portpick-connect', peer: 'nmap-sT', factor: 1.7 }));
  for (const mode of ['connect', 'syn']) {
    const row = results.memory?.rows.find((r) => r.id === `portpick-${mode}`);
    verdicts.push(row && row.ratio !== null
      ? { target: `${mode}: peak RSS of a /8 sweep within 20 % of a /24 sweep's`, met: row.met, detail: `${(row.small.peakRssKb / 1024).toFixed(1)} MB (/24) → ${(row.large.peakRssKb / 1024).toFixed(1)} MB (/8, ${row.large.completed?.toLocaleString('en-US') ?? '?'} probes done): ratio ${row.ratio.toFixed(2)} (target ≤ ${MEMORY_RATIO_TARGET})` }
      : { target: `${mode}: peak RSS of a /8 sweep within 20 % of a /24 sweep's`, met: null, detail: 'not measured' });
  }
  verdicts.push(fasterThan(results, { target: 'SYN: 127.0.0.1 all ports ≥ 2× faster than nmap -sS -T4', scenario: 'loopback-all', tool: 'portpick-syn', peer: 'nmap-sS', factor: 2 }));

  // masscan is never exact here (see README): compare with its fastest setting and say so.
  const masscanRows = ['masscan', 'masscan-slow'].map((id) => ({ id, summary: toolIn(results, 'anyip', id) })).filter((r) => r.summary);
  const exactMasscan = masscanRows.filter((r) => r.summary.recall === 1).sort((a, b) => a.summary.medianWallMs - b.summary.medianWallMs)[0];
  const fastestMasscan = exactMasscan ?? masscanRows.sort((a, b) => a.summary.medianWallMs - b.summary.medianWallMs)[0];
  if (fastestMasscan) {
    const verdict = fasterThan(results, { target: 'SYN: AnyIP × 10 ports over the veth ≥ 2× faster than masscan at its best fully accurate rate', scenario: 'anyip', tool: 'portpick-syn', peer: fastestMasscan.id, factor: 2, peerMustBeExact: false });
    if (!exactMasscan) verdict.detail += `; masscan reached 100 % recall at no rate tried (best ${percent(Math.max(...masscanRows.map((r) => r.summary.recall)))}), so this compares with its fastest run`;
    verdicts.push(verdict);
  } else {
    verdicts.push({ target: 'SYN: AnyIP × 10 ports over the veth ≥ 2× faster than masscan', met: null, detail: 'not measured (masscan has no result on anyip)' });
  }
  const synAnyip = toolIn(results, 'anyip', 'portpick-syn');
  verdicts.push(synAnyip && synAnyip.fractionOfCeiling !== null
    ? { target: 'SYN: AnyIP × 10 ports within 70 % of the kernel ceiling (veth)', met: synAnyip.recall === 1 && synAnyip.fractionOfCeiling >= 0.7, detail: `${synAnyip.probesPerSecond.toLocaleString('en-US')} probes/s = ${(synAnyip.fractionOfCeiling * 100).toFixed(0)} % of ${results.calibration.ceilingPerSecond.veth.toLocaleString('en-US')}/s (start-up included; target ≥ 70 %)` }
    : { target: 'SYN: AnyIP × 10 ports within 70 % of the kernel ceiling (veth)', met: null, detail: 'not measured (no calibration or no portpick syn result)' });
  const synLoss = toolIn(results, 'loss', 'portpick-syn');
  verdicts.push(synLoss && synAnyip
    ? { target: 'SYN: 1 % SYN loss → 100 % recall in ≤ 1.5× the loss-free time', met: synLoss.recall === 1 && synLoss.medianWallMs <= 1.5 * synAnyip.medianWallMs, detail: `recall ${percent(synLoss.recall)}, ${seconds(synLoss.medianWallMs)} vs ${seconds(synAnyip.medianWallMs)} loss-free: ${(synLoss.medianWallMs / synAnyip.medianWallMs).toFixed(2)}× (target ≤ 1.5×)` }
    : { target: 'SYN: 1 % SYN loss → 100 % recall in ≤ 1.5× the loss-free time', met: null, detail: 'not measured (loss or anyip scenario not run)' });
  for (const tool of ['portpick-syn', 'portpick-connect']) {
    const returnLoss = toolIn(results, 'return-loss', tool);
    const name = tool === 'portpick-syn' ? 'SYN' : 'connect';
    const target = `${name}: 1 % loss on the return path (target → scanner) → 100 % recall on every run, the first after link-up included`;
    verdicts.push(returnLoss
      ? { target, met: returnLoss.recall === 1, detail: `worst run recall ${percent(returnLoss.recall)} over ${returnLoss.runs} run(s), median ${seconds(returnLoss.medianWallMs)}` }
      : { target, met: null, detail: 'not measured (return-loss scenario not run)' });
  }
  const synLimited = toolIn(results, 'rate-limit', 'portpick-syn');
  verdicts.push(synLimited
    ? { target: 'SYN: path dropping SYNs above 20,000/s → 100 % recall, settled rate reported', met: synLimited.recall === 1 && typeof synLimited.finalRate === 'number', detail: `recall ${percent(synLimited.recall)} in ${seconds(synLimited.medianWallMs)}, settled rate ${typeof synLimited.finalRate === 'number' ? `${synLimited.finalRate.toLocaleString('en-US')}/s` : 'not reported'}` }
    : { target: 'SYN: path dropping SYNs above 20,000/s → 100 % recall, settled rate reported', met: null, detail: 'not measured (rate-limit scenario not run)' });
  for (const mode of ['syn', 'connect']) {
    const row = results.slowReader?.rows.find((r) => r.id === `portpick-${mode}`);
    const target = `${mode}: AnyIP /16 × 10 piped into a 5 MB/s reader: peak RSS ≤ 1.5 × the same sweep to /dev/null`;
    verdicts.push(row && row.ratio !== null
      ? { target, met: row.met, detail: `${(row.piped.peakRssKb / 1024).toFixed(1)} MB vs ${(row.direct.peakRssKb / 1024).toFixed(1)} MB: ${row.ratio.toFixed(2)}× (target ≤ 1.5×)` }
      : { target, met: null, detail: row?.error ? `not measured: ${row.error}` : 'not measured (slow-reader scenario not run)' });
  }
  if (results.mode === 'quick') {
    for (const v of verdicts) if (v.met !== null) v.detail += ' [quick sizes: start-up weighs more; the targets are for the full run]';
  }
  return verdicts;
}

/** The targets block of the printed table. */
export function formatTargets(verdicts) {
  const lines = ['', 'targets:'];
  for (const v of verdicts) lines.push(`  [${v.met === null ? 'not measured' : v.met ? 'met' : 'NOT met'}] ${v.target}`, `      ${v.detail}`);
  return lines.join('\n');
}
