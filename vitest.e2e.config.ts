import { defineConfig } from 'vitest/config';

/**
 * Browser end-to-end tests (npm run test:e2e): each spec builds the app in-process on a fresh
 * PGlite database and drives the web UI with Chromium (playwright-core, /usr/bin/chromium).
 */
export default defineConfig({
  test: {
    include: ['e2e/**/*.spec.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
