/**
 * What a test needs from the machine (a registry file, the lab namespace, the
 * addon) and what happens when it is missing.
 *
 * On a developer's machine a missing piece skips the tests that need it, and
 * says so once on stderr. In CI (`PORTPICK_TEST_STRICT=1`, set by `.ci/run`)
 * nothing may skip for that reason: the missing piece is a defect of the set-up,
 * so the test file that asked for it fails, naming what is missing and how to
 * get it.
 */
export const strictSkips = process.env.PORTPICK_TEST_STRICT === '1';

const warned = new Set<string>();

/**
 * Returns `present`. When it is false: throws in strict mode, else warns once
 * (`what` is what is missing, `fix` how to get it) so the skip is visible.
 */
export function required(present: boolean, what: string, fix: string): boolean {
  if (present) return true;
  const message = `${what} is missing (${fix})`;
  if (strictSkips) {
    throw new Error(`${message}; PORTPICK_TEST_STRICT=1 turns this skip into a failure.`);
  }
  if (!warned.has(message)) {
    warned.add(message);
    console.warn(`[portpick tests] ${message}: the tests that need it are SKIPPED.`);
  }
  return false;
}
