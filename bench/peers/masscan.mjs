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

export const masscan = {
  name: 'masscan',
  id: 'masscan',
  version: masscanVersion,
  settings: `--rate ${MASSCAN_RATE} --wait ${MASSCAN_WAIT_SECONDS}`,
  unsupported(scenario) {
    if (scenario.where === 'loopback') return 'needs an Ethernet-like interface (it treats lo\'s all-zero MAC as unset)';
    return null;
  },
  async run(context) {
    const a = context.addresses;
    const argv = ['masscan', '--adapter', a.scannerInterface,
      '--adapter-ip', context.family === 6 ? a.spareSourceV6 : a.spareSourceV4,
      '--adapter-mac', a.scannerMac, '--router-mac', a.targetsMac,
      '-p', context.portSpec, ...context.targets,
      '--rate', String(MASSCAN_RATE), '--wait', String(MASSCAN_WAIT_SECONDS), '-oL', context.outputFile];
    const measurement = await runMeasured(context.namespace, argv, { timeoutMs: context.timeoutMs });
    const text = existsSync(context.outputFile) ? readFileSync(context.outputFile, 'utf8') : '';
    return { measurement, findings: parseMasscanList(text) };
  },
};
