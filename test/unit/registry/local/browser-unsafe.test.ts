import { describe, expect, it } from 'vitest';
import { BROWSER_UNSAFE_PORTS, isBrowserUnsafePort } from '../../../../src/registry/browser-unsafe.js';

describe('browser-unsafe ports (Fetch standard bad ports)', () => {
  it('includes the classic ones and the later additions', () => {
    for (const port of [1, 21, 22, 25, 110, 143, 6000, 6665, 6669, 989, 990, 4190, 6566, 6679, 6697, 10080]) {
      expect(isBrowserUnsafePort(port)).toBe(true);
    }
  });

  it('leaves ordinary web ports alone', () => {
    for (const port of [80, 443, 3000, 8000, 8080, 8443, 10081, 6670]) expect(isBrowserUnsafePort(port)).toBe(false);
  });

  it('is sorted, unique and frozen', () => {
    expect([...BROWSER_UNSAFE_PORTS].sort((a, b) => a - b)).toEqual(BROWSER_UNSAFE_PORTS);
    expect(new Set(BROWSER_UNSAFE_PORTS).size).toBe(BROWSER_UNSAFE_PORTS.length);
    expect(BROWSER_UNSAFE_PORTS).toHaveLength(83);
    expect(Object.isFrozen(BROWSER_UNSAFE_PORTS)).toBe(true);
  });
});
