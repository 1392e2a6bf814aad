/**
 * The project's import graph, read with TypeScript's own pre-processor: every production module
 * (tests excluded) with the project modules and packages it imports, resolved the way the
 * compiler resolves them (relative paths and the @/ alias).
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const SOURCE_ROOTS = ['lib', 'web', 'worker', 'simulator', 'app', 'components', 'tooling', 'scripts', 'bench'];
const SKIP_DIRS = new Set(['node_modules', 'generated', 'results']);

export interface ModuleNode {
  /** Path from the repository root, e.g. 'web/queries/users/list-users.ts'. */
  file: string;
  /** Project modules it imports (paths from the root). */
  imports: string[];
  /** Packages and node builtins it imports, e.g. 'pg', 'node:fs', '@prisma/client'. */
  packages: string[];
}

const isTest = (file: string) => file.endsWith('.test.ts') || file.endsWith('.spec.ts');

function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(rel);
      } else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') && !isTest(entry.name)) out.push(rel);
    }
  };
  for (const r of SOURCE_ROOTS) if (fs.existsSync(path.join(ROOT, r))) walk(r);
  return out;
}

function resolveProject(spec: string, from: string): string | undefined {
  const base = spec.startsWith('@/') ? spec.slice(2) : path.posix.join(path.posix.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`]) {
    const abs = path.join(ROOT, candidate);
    if (fs.existsSync(abs) && fs.statSync(abs).isFile()) return path.posix.normalize(candidate);
  }
  return undefined;
}

export function importGraph(): Map<string, ModuleNode> {
  const graph = new Map<string, ModuleNode>();
  for (const file of sourceFiles()) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    const node: ModuleNode = { file, imports: [], packages: [] };
    for (const { fileName: spec } of ts.preProcessFile(text, true, true).importedFiles) {
      if (spec.startsWith('.') || spec.startsWith('@/')) {
        const target = resolveProject(spec, file);
        if (target === undefined) throw new Error(`${file}: cannot resolve import '${spec}'`);
        node.imports.push(target);
      } else node.packages.push(spec);
    }
    graph.set(file, node);
  }
  return graph;
}

/** The folder a module lives in: its directory from the root ('.' for root files). */
const folderOf = (file: string): string => path.posix.dirname(file);

/** Folder-level edges: folder → the other folders its modules import. */
export function folderGraph(graph: Map<string, ModuleNode>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const node of graph.values()) {
    const from = folderOf(node.file);
    const targets = out.get(from) ?? new Set<string>();
    for (const target of node.imports) if (folderOf(target) !== from) targets.add(folderOf(target));
    out.set(from, targets);
  }
  return out;
}

/** Strongly connected components with more than one member (Tarjan): each is an import cycle. */
export function cycles(edges: Map<string, Set<string>>): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    indexOf.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!indexOf.has(v)) visit(v);
  return found;
}

/** Every project module reachable from `start` (itself included). */
export function reachable(graph: Map<string, ModuleNode>, start: string): Set<string> {
  const seen = new Set<string>();
  const todo = [start];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    todo.push(...(graph.get(file)?.imports ?? []));
  }
  return seen;
}
