// A network namespace held open by a sleeping process; commands enter it with
// nsenter. When the holder dies the namespace, its interfaces and rules vanish.
import { readlinkSync } from 'node:fs';
import { startBackground, run, sleep } from './processes.mjs';

/** Namespaces live at most this long even if the bench is killed hard. */
const HOLDER_LIFETIME_SECONDS = 3 * 3600;

/**
 * Creates a new, empty network namespace (only `lo`, brought up).
 * Returns { pid, wrap(argv), sh(script, options), close() }.
 */
export async function createNamespace(label) {
  const ownNamespace = readlinkSync('/proc/self/ns/net');
  const holder = startBackground(['unshare', '--net', '--', 'sleep', String(HOLDER_LIFETIME_SECONDS)]);
  const pid = holder.child.pid;
  for (let attempt = 0; ; attempt += 1) {
    let current = ownNamespace;
    try { current = readlinkSync(`/proc/${pid}/ns/net`); } catch { /* not there yet */ }
    if (current !== ownNamespace) break;
    if (attempt > 200) {
      holder.stop();
      throw new Error(`Expected namespace "${label}" (pid ${pid}) to be created within 2 s, got none (is unshare --net allowed here?)`);
    }
    await sleep(10);
  }
  const namespace = {
    label,
    pid,
    /** argv that runs argv inside this namespace. */
    wrap(argv) {
      return ['nsenter', '-t', String(pid), '-n', '--', ...argv];
    },
    /** Runs a shell script inside the namespace; throws on failure. */
    sh(script, options = {}) {
      return run(namespace.wrap(['sh', '-eu', '-c', script]), { check: true, timeoutMs: 20_000, ...options });
    },
    close() {
      holder.stop();
    },
  };
  await namespace.sh('ip link set lo up');
  return namespace;
}
