import { defineConfig } from 'vitest/config';

// Tests run inside the private network namespace made by scripts/in-private-netns.sh.
// Every file shares that namespace: its loopback, lab routes and nftables rules. A
// sweep of all ports of 127.0.0.1 would see another file's listeners as open, so
// files run one at a time (each in a forked process).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
