import os from 'node:os';
import { defineConfig } from 'vitest/config';

// The database tests run on the embedded PGlite and, when TEST_DATABASE_URL is set, again on
// that PostgreSQL server (DESIGN.md "Public contract": npm test).
const databases = ['pglite', ...(process.env.TEST_DATABASE_URL ? ['postgres'] : [])];

export default defineConfig({
  test: {
    // Vitest's default is one worker on two cores; much of the suite waits on PostgreSQL, ffmpeg,
    // Chromium and child processes, so two workers overlap that waiting on a two-core machine.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts'] } },
      ...databases.map((db) => ({
        test: {
          name: db,
          include: ['test/**/*.test.ts'],
          env: { TEST_DB: db },
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // One migrated PGlite for the whole run, copied for each test app (test/global-setup.ts).
          globalSetup: db === 'pglite' ? ['test/global-setup.ts'] : [],
        },
      })),
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          globalSetup: ['test/global-setup.ts'],
        },
      },
    ],
  },
});
