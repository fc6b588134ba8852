import { tryLoadNative } from '../../src/native.js';
import { required } from './required.js';

/**
 * The native addon as `npm install` built it, or null (tests that need it then
 * skip visibly; under PORTPICK_TEST_STRICT=1 their file fails instead).
 */
export const addon = tryLoadNative();
required(addon !== null, 'the native addon (build/Release/portpick_native.node)', 'npm install builds it; it needs cmake and a C++17 compiler');
