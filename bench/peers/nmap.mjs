// nmap -sS / -sT runners and the grepable-output (-oG) parser.
// Settings: -T4 (nmap's "aggressive" timing, exact everywhere it finishes here,
// peer-lab.md); -T5 / --min-rate lose open ports on one host, and run only on
// loopback-all, as the second peer of the connect-speed target.
import { readFileSync, existsSync } from 'node:fs';
import { run } from '../lab/processes.mjs';
import { runMeasured } from '../lab/measure.mjs';

/** Parses nmap -oG text into [{ address, port }] for ports in state "open". */
export function parseNmapGrepable(text) {
  const findings = [];
  for (const line of text.split('\n')) {
    const hostMatch = /^Host: (\S+) \([^)]*\)\t(.*)$/.exec(line);
    if (!hostMatch) continue;
    const portsField = hostMatch[2].split('\t').find((field) => field.startsWith('Ports: '));
    if (!portsField) continue;
    for (const entry of portsField.slice('Ports: '.length).split(', ')) {
      const [portText, state, protocol] = entry.split('/');
      if (state === 'open' && protocol === 'tcp') findings.push({ address: hostMatch[1], port: Number(portText) });
    }
  }
  return findings;
}

/** The version line of the installed nmap, or null when it is missing. */
export async function nmapVersion() {
  try {
    const result = await run(['nmap', '--version'], { timeoutMs: 10_000 });
    return /Nmap version (\S+)/.exec(result.stdout)?.[1] ?? null;
  } catch {
    return null;
  }
}

/**
 * Extra nmap settings per scenario. On the silent scenario nmap -T4 retransmits
 * every unanswered probe up to 6 times; `--max-retries 1` gives it the same one
 * retry portpick uses (live hosts answer the first probe, so recall is unchanged).
 */
export function nmapScenarioArgs(scenario) {
  return scenario.silent.length > 0 ? ['--max-retries', '1'] : [];
}

/**
 * scanFlag: -sS or -sT; timing: nmap timing flags; scenarios: names it runs on (null = all).
 */
function nmapTool(scanFlag, { id = `nmap${scanFlag}`, name = `nmap ${scanFlag}`, timing = ['-T4'], scenarios = null } = {}) {
  const baseArgs = ['-n', '-Pn', scanFlag, ...timing, '--open'];
  return {
    name,
    id,
    version: nmapVersion,
    /** Why this tool cannot run the scenario, or null. */
    unsupported(scenario) {
      if (scenarios && !scenarios.includes(scenario.name)) return `run on ${scenarios.join(', ')} only`;
      return null;
    },
    settings: baseArgs.join(' '),
    settingsFor(scenario) {
      return [...baseArgs, ...nmapScenarioArgs(scenario)].join(' ');
    },
    async run(context) {
      const argv = ['nmap', ...baseArgs, ...nmapScenarioArgs(context.scenario), '-p', context.portSpec, '-oG', context.outputFile];
      if (context.family === 6) argv.push('-6');
      argv.push(...context.targets);
      const measurement = await runMeasured(context.namespace, argv, { timeoutMs: context.timeoutMs });
      const text = existsSync(context.outputFile) ? readFileSync(context.outputFile, 'utf8') : '';
      return { measurement, findings: parseNmapGrepable(text) };
    },
  };
}

export const nmapSyn = nmapTool('-sS');
export const nmapConnect = nmapTool('-sT');
/** The connect-speed target's second peer: nmap's fastest connect settings (not exact on one host, peer-lab.md). */
export const nmapConnectFast = nmapTool('-sT', {
  id: 'nmap-sT-T5',
  name: 'nmap -sT -T5 --min-rate 100000',
  timing: ['-T5', '--min-rate', '100000'],
  scenarios: ['loopback-all'],
});
