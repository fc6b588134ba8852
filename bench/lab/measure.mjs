// Runs one scanner process under /usr/bin/time inside a namespace and reports
// wall time (measured here), CPU seconds and peak RSS (from the kernel's rusage
// of the child, which Node's own process.resourceUsage would not include).
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './processes.mjs';

export const TIME_BINARY = '/usr/bin/time';

/**
 * The environment every measured tool runs with: PATH, HOME and LANG from the
 * bench's own, nothing else. Inherited variables aimed at one runtime would
 * change one tool's numbers without saying so: NODE_EXTRA_CA_CERTS (set on the
 * build machines for their proxy) makes each Node process read and parse a
 * 220 KB certificate bundle before running a line, +45 ms of a 0.45 s loopback
 * sweep; NODE_OPTIONS could add flags. `inheritedButDropped` names what was set
 * and left out (the report prints it).
 */
const KEPT_VARIABLES = ['PATH', 'HOME', 'LANG'];
export const TOOL_ENVIRONMENT = Object.fromEntries(
  KEPT_VARIABLES.filter((name) => process.env[name] !== undefined).map((name) => [name, process.env[name]]),
);
export const inheritedButDropped = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS', 'LD_PRELOAD'].filter((name) => process.env[name] !== undefined);

export function canMeasure() {
  return existsSync(TIME_BINARY);
}

/**
 * Runs argv inside `namespace` (or here when null), killed after timeoutMs.
 * Resolves { code, timedOut, wallMs, userSeconds, systemSeconds, cpuSeconds,
 * peakRssKb, stdout, stderr, interrupted }; `interruptAfterMs` sends SIGINT
 * after that long (see run()). The rusage fields are null when the process was
 * killed (time(1) then writes nothing).
 */
export async function runMeasured(namespace, argv, { timeoutMs, interruptAfterMs }) {
  const dir = mkdtempSync(join(tmpdir(), 'portpick-bench-'));
  const usageFile = join(dir, 'usage');
  // Without time(1) the program runs bare: wall time only, RSS and CPU stay null.
  const timed = canMeasure() ? [TIME_BINARY, '-o', usageFile, '-f', 'rusage %U %S %M', ...argv] : argv;
  try {
    // GNU time ignores SIGINT while it waits, so an interrupt reaches only the measured program.
    const result = await run(namespace ? namespace.wrap(timed) : timed, { timeoutMs, interruptAfterMs, env: TOOL_ENVIRONMENT });
    let userSeconds = null;
    let systemSeconds = null;
    let peakRssKb = null;
    const usageText = existsSync(usageFile) ? readFileSync(usageFile, 'utf8') : '';
    const match = /^rusage (\S+) (\S+) (\d+)$/m.exec(usageText);
    if (match) {
      userSeconds = Number(match[1]);
      systemSeconds = Number(match[2]);
      peakRssKb = Number(match[3]);
    }
    return {
      code: result.code,
      timedOut: result.timedOut,
      interrupted: result.interrupted,
      wallMs: result.wallMs,
      userSeconds,
      systemSeconds,
      cpuSeconds: userSeconds === null ? null : userSeconds + systemSeconds,
      peakRssKb,
      stdout: result.stdout,
      stderr: result.stderr,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Sums several measured runs that together make one tool run (zmap: one per port). */
export function combineMeasurements(parts) {
  const sum = (key) => (parts.some((p) => p[key] === null) ? null : parts.reduce((total, p) => total + p[key], 0));
  return {
    code: parts.find((p) => p.code !== 0)?.code ?? 0,
    timedOut: parts.some((p) => p.timedOut),
    wallMs: parts.reduce((total, p) => total + p.wallMs, 0),
    userSeconds: sum('userSeconds'),
    systemSeconds: sum('systemSeconds'),
    cpuSeconds: sum('cpuSeconds'),
    peakRssKb: parts.some((p) => p.peakRssKb === null) ? null : Math.max(...parts.map((p) => p.peakRssKb)),
    stdout: '',
    stderr: parts.map((p) => p.stderr).join(''),
  };
}
