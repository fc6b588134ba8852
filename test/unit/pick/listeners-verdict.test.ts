import { describe, expect, it } from 'vitest';
import { listenersVerdict } from '../../../src/pick/source-verdicts.js';

describe('listenersVerdict without a listener table', () => {
  it('says why the check was not made when the source says so', () => {
    const verdict = listenersVerdict(null, 'tcp', 7405, 'skipped on request (--no-listeners): local listeners were NOT checked');
    expect(verdict.status).toBe('not-checked');
    expect(verdict.summary).toBe('Local listeners were NOT checked: skipped on request (--no-listeners).');
  });

  it('falls back to the OS wording when no reason is known', () => {
    expect(listenersVerdict(null, 'tcp', 7405).summary).toMatch(/OS did not tell/);
  });
});
