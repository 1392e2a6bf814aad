// Lint: promise safety everywhere, no focused tests, and no I/O imports in the worker's core.
import vitest from '@vitest/eslint-plugin';
import tseslint from 'typescript-eslint';

const ioModules = ['kafkajs', 'pg', '@prisma/*', 'socket.io', 'socket.io-client', 'node:fs', 'fs', 'node:net', 'net', 'node:http', 'http', 'pino'];

export default tseslint.config(
  { ignores: ['node_modules/', '.next/', '.next-test/', '.data/', 'lib/db/generated/', 'next-env.d.ts', 'bench/results/', 'test-results/', 'playwright-report/'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.test.ts', 'tests/**/*.ts'],
    plugins: { vitest },
    rules: { 'vitest/no-focused-tests': 'error', 'vitest/no-disabled-tests': 'error' },
  },
  {
    files: ['worker/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ioModules, message: 'worker/core is the functional core: no I/O imports (kafkajs, Prisma, pg, socket.io, fs, net, http, logging).' }, { group: ['../shell/*', '../../lib/kafka/*', '../../lib/db/*'], message: 'worker/core must not depend on the shell.' }] },
      ],
    },
  },
);
