// zmap runner: one port per zmap run (zmap scans a single port), so a scenario
// with P ports costs P runs, each with ~1 s of start-up and `-c` seconds of
// cool-down. IPv4 only. It is given the veth, the targets' MAC as gateway MAC
// and a source address the scanner's kernel does not own (peer-lab.md).
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { run } from '../lab/processes.mjs';
import { runMeasured, combineMeasurements } from '../lab/measure.mjs';

export const ZMAP_RATE = 100_000;
export const ZMAP_COOLDOWN_SECONDS = 1;
/** More ports than this per scenario would take minutes of start-up alone. */
export const ZMAP_MAX_PORTS = 32;

/** Parses zmap's `-f saddr` CSV output (header line "saddr") into addresses. */
export function parseZmapAddresses(text) {
  return text.split('\n').map((line) => line.trim()).filter((line) => line !== '' && line !== 'saddr');
}

export async function zmapVersion() {
  try {
    const result = await run(['zmap', '--version'], { timeoutMs: 10_000 });
    return /zmap (\S+)/.exec(result.stdout + result.stderr)?.[1] ?? null;
  } catch {
    return null;
  }
}

export const zmap = {
  name: 'zmap',
  id: 'zmap',
  version: zmapVersion,
  settings: `-r ${ZMAP_RATE} -c ${ZMAP_COOLDOWN_SECONDS}, one run per port`,
  unsupported(scenario) {
    if (scenario.where === 'loopback') return 'needs an Ethernet-like interface';
    if (scenario.family === 6) return 'IPv4 only';
    if (scenario.portCount > ZMAP_MAX_PORTS) return `one port per run: ${scenario.portCount} ports would be ${scenario.portCount} runs`;
    return null;
  },
  async run(context) {
    const a = context.addresses;
    const allowlist = `${context.outputFile}.allow`;
    writeFileSync(allowlist, `${context.targets.join('\n')}\n`);
    const parts = [];
    const findings = [];
    const deadline = Date.now() + context.timeoutMs;
    let outOfTime = false;
    for (const port of context.ports) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) { outOfTime = true; break; }
      const outputFile = `${context.outputFile}.${port}`;
      const argv = ['zmap', '-q', '--disable-syslog', '-i', a.scannerInterface, '-G', a.targetsMac,
        '-S', a.spareSourceV4, '-b', '/dev/null', '-w', allowlist, '-M', 'tcp_synscan',
        '-p', String(port), '-r', String(ZMAP_RATE), '-c', String(ZMAP_COOLDOWN_SECONDS), '-f', 'saddr', '-o', outputFile];
      const measurement = await runMeasured(context.namespace, argv, { timeoutMs: remaining });
      parts.push(measurement);
      const text = existsSync(outputFile) ? readFileSync(outputFile, 'utf8') : '';
      for (const address of parseZmapAddresses(text)) findings.push({ address, port });
      if (measurement.timedOut || measurement.code !== 0) break;
    }
    const measurement = combineMeasurements(parts);
    if (outOfTime) measurement.timedOut = true;
    return { measurement, findings };
  },
};
