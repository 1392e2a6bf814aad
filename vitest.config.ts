import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Build output and data folders hold other packages' tests (e.g. .next-test/node_modules). */
const notOurs = ['node_modules/**', '.next/**', '.next-*/**', '.data/**', 'test-results/**'];

// Unit tests sit beside the code (*.test.ts) and run in parallel. Integration tests
// (*.integration.test.ts) talk to the real broker and database started by scripts/test.ts and run
// one file at a time. Browser tests are Playwright's (tests/e2e) and are not run by vitest.
export default defineConfig({
  resolve: { alias: { '@/': fileURLToPath(new URL('./', import.meta.url)) } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: ['**/*.integration.test.ts', 'tests/e2e/**', ...notOurs],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['**/*.integration.test.ts'],
          exclude: notOurs,
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
