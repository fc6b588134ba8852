// Child processes for the bench: every command is bounded in time, and every
// background process is registered so that one cleanup stops them all.
import { spawn } from 'node:child_process';

const livingChildren = new Set();

/** Stops every background process still registered (by its own process group). */
export function stopAllChildren() {
  for (const child of livingChildren) killGroup(child, 'SIGKILL');
  livingChildren.clear();
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    try { child.kill(signal); } catch { /* already gone */ }
  }
}

/**
 * Runs argv to completion (or until timeoutMs, then kills its process group).
 * Resolves { code, signal, stdout, stderr, timedOut, wallMs }; rejects only if the
 * program cannot be started. Non-zero exit codes are returned, not thrown, unless
 * `check` is set. `interruptAfterMs`: send SIGINT to the process group after that
 * long (a bounded sweep that stops itself cleanly); `interrupted` says whether it was sent.
 */
export function run(argv, { input, timeoutMs = 30_000, check = false, env, interruptAfterMs } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      env: env ?? process.env,
    });
    livingChildren.add(child);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk) => { if (stdout.length < 4_000_000) stdout += chunk; });
    child.stderr.on('data', (chunk) => { if (stderr.length < 200_000) stderr += chunk; });
    let interrupted = false;
    const timer = setTimeout(() => { timedOut = true; killGroup(child, 'SIGKILL'); }, timeoutMs);
    const interruptTimer = interruptAfterMs === undefined ? null
      : setTimeout(() => { interrupted = true; killGroup(child, 'SIGINT'); }, interruptAfterMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      if (interruptTimer) clearTimeout(interruptTimer);
      livingChildren.delete(child);
      reject(new Error(`Expected to start \`${argv[0]}\`, got ${error.code ?? error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (interruptTimer) clearTimeout(interruptTimer);
      livingChildren.delete(child);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const result = { code, signal, stdout, stderr, timedOut, interrupted, wallMs };
      if (check && (code !== 0 || timedOut)) {
        reject(new Error(`Expected \`${argv.join(' ')}\` to succeed, got ${timedOut ? 'a timeout' : `exit ${code ?? signal}`}: ${stderr.trim().slice(0, 500)}`));
      } else {
        resolve(result);
      }
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

/**
 * Starts a long-lived background process. If `readyLine` is given, `ready`
 * resolves once a stdout line equals it (rejects if the process exits first or
 * after readyTimeoutMs). stop() kills its process group.
 */
export function startBackground(argv, { readyLine, readyTimeoutMs = 10_000 } = {}) {
  const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  livingChildren.add(child);
  let stderr = '';
  child.stderr.on('data', (chunk) => { if (stderr.length < 20_000) stderr += chunk; });
  const ready = new Promise((resolve, reject) => {
    if (readyLine === undefined) { resolve(); return; }
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`Expected \`${argv.join(' ')}\` to print "${readyLine}" within ${readyTimeoutMs} ms, got nothing`)), readyTimeoutMs);
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      if (buffered.split('\n').includes(readyLine)) { clearTimeout(timer); resolve(); }
    });
    child.on('close', (code) => { clearTimeout(timer); reject(new Error(`Expected \`${argv.join(' ')}\` to keep running, got exit ${code}: ${stderr.trim()}`)); });
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
  });
  ready.catch(() => {});
  child.stdout.resume();
  child.on('close', () => livingChildren.delete(child));
  return {
    child,
    ready,
    stop() {
      livingChildren.delete(child);
      killGroup(child, 'SIGKILL');
    },
  };
}

/** Resolves after ms milliseconds. */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
