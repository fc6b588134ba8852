/**
 * What `portpick --version` prints: the version on the first line (scripts
 * read that line), then the native addon, its engines, and the Node that runs
 * them — what a bug report needs.
 *
 *   portpick 0.1.0
 *   native addon: portpick_native 0.1.0 (build/Release/portpick_native.node)
 *   engines: syn, connect, connect-ts (SYN needs CAP_NET_RAW, which this process holds)
 *   node: v20.20.2 (linux x64, N-API 9)
 */
import { nativeStatus } from '../api/native-status.js';
import { packageVersion } from '../version.js';
import { adviceFor } from './failure-advice.js';

export async function versionReport(): Promise<string> {
  const status = await nativeStatus();
  const addon = status.loaded ? `native addon: ${status.version ?? 'unknown version'}` : `native addon: not loaded (${status.reason ?? 'unknown reason'})`;
  const why = status.reason === null ? '' : ` (${status.reason}${status.hint === null ? '' : `; to fix: ${adviceFor(status.hint)}`})`;
  const engines = `engines: ${status.engines.join(', ')}${status.loaded ? why : ''}`;
  const node = `node: ${process.version} (${process.platform} ${process.arch}, N-API ${process.versions.napi ?? '?'})`;
  return [`portpick ${packageVersion()}`, addon, engines, node].join('\n');
}
