import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// A cache directory of the run's own: tests never read a developer's `portpick
// update` downloads or write derived files into ~/.cache. Removed when the run ends.
const testCacheDir = mkdtempSync(join(tmpdir(), 'portpick-test-cache-'));
process.on('exit', () => rmSync(testCacheDir, { recursive: true, force: true }));

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests run inside the private network namespace made by scripts/in-private-netns.sh.
    // Every file shares that namespace: its loopback, lab routes and nftables rules. A
    // sweep of all ports of 127.0.0.1 would see another file's listeners as open, so
    // files run one at a time (each in a forked process).
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { PORTPICK_CACHE_DIR: testCacheDir },
  },
});
