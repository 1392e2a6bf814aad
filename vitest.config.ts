import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code (*.test.ts) and run in parallel. Integration tests
// (*.integration.test.ts) talk to the real broker and database started by scripts/test.ts and run
// one file at a time. Browser tests are Playwright's (tests/e2e) and are not run by vitest.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: ['**/*.integration.test.ts', 'node_modules/**', 'tests/e2e/**', '.next/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/*.integration.test.ts'],
          exclude: ['node_modules/**', '.next/**'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
