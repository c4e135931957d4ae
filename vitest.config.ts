import { defineConfig } from 'vitest/config';

// Unit, property and HTTP integration tests. Browser end-to-end tests have
// their own config (test/e2e/vitest.config.ts) and run with `npm run test:e2e`.
export default defineConfig({
  test: {
    include: [
      'wallet-core/test/**/*.test.ts',
      'server/test/**/*.test.ts',
      'test/http/**/*.test.ts',
      'test/scenarios/**/*.test.ts',
      'test/reliability/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Says which store the server tests run on (SQLite, or PostgreSQL with ECNY_TEST_STORE=postgres).
    globalSetup: ['test/support/global-setup.ts'],
  },
});
