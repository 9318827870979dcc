import { defineConfig } from 'vitest/config';

/**
 * Unit and integration tests. Storage tests run on PGlite by default and on PostgreSQL with
 * NGOSO_TEST_DB=postgres (npm run test:pg); each test file gets its own copy of one migrated
 * template database with the catalogue loaded (see test/global-setup.ts).
 */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
