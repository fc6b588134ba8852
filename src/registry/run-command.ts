/** Runs the OS tools some local sources need (lsof, netstat, tasklist, netsh, sysctl), with a time limit. */

/** Runs a command and returns its stdout; tests inject their own. */
export type CommandRunner = (file: string, args: readonly string[]) => Promise<{ stdout: string; exitCode: number }>;

const COMMAND_TIMEOUT_MS = 10_000;

// node:child_process is imported on first use: most commands never run a tool,
// and a module imported at the top is loaded by every start-up.
export const runCommand: CommandRunner = async (file, args) => {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: COMMAND_TIMEOUT_MS, maxBuffer: 32 * 1024 * 1024, windowsHide: true }, (error, stdout) => {
      if (error === null) return resolve({ stdout, exitCode: 0 });
      const code = (error as NodeJS.ErrnoException & { code?: unknown }).code;
      // A command that ran and exited non-zero still answered (lsof exits 1 when nothing matches).
      if (typeof code === 'number') return resolve({ stdout, exitCode: code });
      reject(error);
    });
  });
};
