import { defineConfig } from 'vitest/config';

// Browser end-to-end tests: a real server serving the built web app (run
// `npm run build` first) and headless Chromium. One file at a time.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
