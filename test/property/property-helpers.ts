/**
 * Shared settings of the property tests: one seed per run, printed, so a failure
 * can be repeated with PORTPICK_PROPERTY_SEED=<seed> (fast-check also prints the
 * counterexample and its path). Parsers must answer quickly on any input: each
 * call is timed, and one that takes longer than SLOW_CALL_MS fails the property
 * (a hang shows as the test's own timeout).
 */
import fc from 'fast-check';

export const seed = Number(process.env.PORTPICK_PROPERTY_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.info(`[property] seed ${seed} (repeat with PORTPICK_PROPERTY_SEED=${seed})`);

export const SLOW_CALL_MS = 2000;

export function check<T>(property: fc.IProperty<T>, numRuns = 500): void {
  fc.assert(property, { seed, numRuns });
}

/** Calls `f`, failing if it takes longer than SLOW_CALL_MS; returns its value or the error it threw. */
export function timed<T>(f: () => T): { value?: T; error?: unknown } {
  const started = performance.now();
  let outcome: { value?: T; error?: unknown };
  try {
    outcome = { value: f() };
  } catch (error) {
    outcome = { error };
  }
  const elapsed = performance.now() - started;
  if (elapsed > SLOW_CALL_MS) throw new Error(`Expected an answer within ${SLOW_CALL_MS} ms, got one after ${Math.round(elapsed)} ms`);
  return outcome;
}

/** Text made of the characters a grammar uses, plus some others (the interesting inputs lie near valid ones). */
export function textOf(alphabet: string, maxLength = 40): fc.Arbitrary<string> {
  return fc.oneof(
    fc.array(fc.constantFrom(...alphabet.split('')), { maxLength }).map((chars) => chars.join('')),
    fc.string({ maxLength }),
    fc.string({ unit: 'binary', maxLength }),
  );
}
