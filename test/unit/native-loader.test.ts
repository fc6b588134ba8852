import { describe, expect, it } from 'vitest';
import { loadNative, nativeUnavailableReason } from '../../src/native.js';

describe('native addon loader', () => {
  it('loads the addon built by npm install and reports its version', () => {
    expect(nativeUnavailableReason()).toBeNull();
    expect(loadNative().version()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
