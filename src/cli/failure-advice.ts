/**
 * The one place that turns a failure's machine-readable hint (SweepError,
 * PermissionError, nativeStatus()) into advice for a person at the command
 * line, naming commands and flags. The library's and the addon's messages say
 * what failed and name no flag; the command line prints this once, after the message.
 */
import { PermissionError } from '../errors/permission-error.js';
import { SweepError, type SweepFailureHint } from '../errors/sweep-error.js';

const ADVICE: Record<SweepFailureHint, string> = {
  'raw-socket-permission':
    'run portpick with sudo, grant the capability once with ' +
    '`sudo setcap cap_net_raw+ep "$(readlink -f "$(command -v node)")"`, or use --mode connect (no privilege needed)',
  'descriptor-limit': 'raise the open-file limit (`ulimit -n`), or keep fewer probes in flight with --window N',
  'local-ports-exhausted': 'keep fewer probes in flight (--window N) or lower --rate, or widen net.ipv4.ip_local_port_range',
  'send-buffer-stall': 'check that the interface towards the targets is up and sends, or lower --rate',
  'out-of-memory': 'free memory, or split the sweep with --shards N --shard I; --resume continues this one',
  'thread-start': "raise the thread limit (`ulimit -u`, or the container's pids limit)",
  'randomness-unavailable': "the kernel's random source is not ready yet: try again shortly, or use --mode connect",
  'unexpected-connect-error': 'please report the error; --mode syn (with CAP_NET_RAW) does not use connect()',
  'engine-failure': 'please report the error with the command line that caused it',
};

/** What to do about `hint`, for a person at the command line. */
export function adviceFor(hint: SweepFailureHint): string {
  return ADVICE[hint];
}

/** Advice for an error that carries a hint, else null. */
export function errorAdvice(error: unknown): string | null {
  if (error instanceof SweepError || error instanceof PermissionError) return adviceFor(error.hint);
  return null;
}
