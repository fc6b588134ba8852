import { defineConfig } from 'vitest/config';

// Tests run inside the private network namespace made by scripts/in-private-netns.sh.
// Sweeps share that namespace (its lab routes and nftables rules), so files run in
// forked processes, at most two at a time on these 2-core machines.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
