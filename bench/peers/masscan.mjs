// masscan runner and list-output (-oL) parser. masscan needs an Ethernet-like
// interface: it is given the scanner's veth, the targets' MAC as router MAC and
// a source address the scanner's kernel does not own (so the kernel's RSTs do not
// interfere), per peer-lab.md.
import { readFileSync, existsSync } from 'node:fs';
import { run } from '../lab/processes.mjs';
import { runMeasured } from '../lab/measure.mjs';

/** Rate given to masscan: one process saturates a core near 68,000 probes/s here; more gives the same time. */
export const MASSCAN_RATE = 100_000;
/** Seconds masscan waits for late replies after the last probe. */
export const MASSCAN_WAIT_SECONDS = 2;

/** Parses masscan -oL text ("open tcp PORT ADDRESS TIMESTAMP") into [{ address, port }]. */
export function parseMasscanList(text) {
  const findings = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === 'open' && fields[1] === 'tcp' && fields.length >= 4) {
      findings.push({ address: fields[3], port: Number(fields[2]) });
    }
  }
  return findings;
}

export async function masscanVersion() {
  try {
    const result = await run(['masscan', '--version'], { timeoutMs: 10_000 });
    return /Masscan version (\S+)/.exec(result.stdout + result.stderr)?.[1] ?? null;
  } catch {
    return null;
  }
}

/**
 * rate / wait: masscan's settings; scenarios: names it runs on (null = all).
 */
function masscanTool({ id, name, rate, wait, scenarios = null, fullModeOnly = false }) {
  return {
    name,
    id,
    version: masscanVersion,
    settings: `--rate ${rate} --wait ${wait}`,
    unsupported(scenario) {
      if (scenario.where === 'loopback') return 'needs an Ethernet-like interface (it treats lo\'s all-zero MAC as unset)';
      if (scenarios && !scenarios.includes(scenario.name)) return `run on ${scenarios.join(', ')} only`;
      if (fullModeOnly && scenario.quick) return 'full mode only (its --wait alone would take a tenth of quick mode)';
      return null;
    },
    async run(context) {
      const a = context.addresses;
      const argv = ['masscan', '--adapter', a.scannerInterface,
        '--adapter-ip', context.family === 6 ? a.spareSourceV6 : a.spareSourceV4,
        '--adapter-mac', a.scannerMac, '--router-mac', a.targetsMac,
        '-p', context.portSpec, ...context.targets,
        '--rate', String(rate), '--wait', String(wait), '-oL', context.outputFile];
      const measurement = await runMeasured(context.namespace, argv, { timeoutMs: context.timeoutMs });
      const text = existsSync(context.outputFile) ? readFileSync(context.outputFile, 'utf8') : '';
      return { measurement, findings: parseMasscanList(text) };
    },
  };
}

export const masscan = masscanTool({ id: 'masscan', name: 'masscan', rate: MASSCAN_RATE, wait: MASSCAN_WAIT_SECONDS });
/**
 * masscan's most accurate setting seen here in reasonable time (lower rates and
 * longer waits catch more of the targets' SYN-ACK retransmissions; none reached
 * 100 %): run on anyip only, as the masscan peer of the SYN-speed target.
 */
export const masscanSlow = masscanTool({ id: 'masscan-slow', name: 'masscan 20k --wait 10', rate: 20_000, wait: 10, scenarios: ['anyip'], fullModeOnly: true });
