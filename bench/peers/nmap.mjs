// nmap -sS / -sT runners and the grepable-output (-oG) parser.
// Settings: -T4 (nmap's "aggressive" timing, exact everywhere it finishes here,
// peer-lab.md); -T5 / --min-rate lose open ports on one host and are not used.
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

function nmapTool(scanFlag) {
  return {
    name: `nmap ${scanFlag}`,
    id: `nmap${scanFlag}`,
    version: nmapVersion,
    /** Why this tool cannot run the scenario, or null. */
    unsupported() {
      return null;
    },
    settings: `-n -Pn ${scanFlag} -T4 --open`,
    async run(context) {
      const argv = ['nmap', '-n', '-Pn', scanFlag, '-T4', '--open', '-p', context.portSpec, '-oG', context.outputFile];
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
