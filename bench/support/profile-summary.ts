/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, e.g. from `npm run bench -- --profile`): self
 * time by function and by where the code lives (kafkajs, pg, Prisma, the worker's core and shell,
 * Node internals, GC). Usage: npx tsx bench/profile-summary.ts FILE.cpuprofile [top]
 */
import fs from 'node:fs';
import { z } from 'zod';

const profileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
      children: z.array(z.number()).optional(),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
  startTime: z.number(),
  endTime: z.number(),
});

const GROUPS: [string, RegExp][] = [
  ['kafkajs', /node_modules\/kafkajs\//],
  ['pg (driver)', /node_modules\/(pg|pg-protocol|pg-types|pg-pool|postgres-[a-z]+)\//],
  ['Prisma (client, adapter, query compiler)', /node_modules\/(@prisma|\.prisma)\/|lib\/db\/generated\//],
  ['zod', /node_modules\/zod\//],
  ['pino / prom-client', /node_modules\/(pino|prom-client|sonic-boom)[^/]*\//],
  ['worker/core', /\/worker\/core\//],
  ['worker/shell', /\/worker\/shell\//],
  ['lib/events (decode, validate)', /\/lib\/events\//],
  ['simulator', /\/simulator\//],
  ['faker', /node_modules\/@faker-js\//],
  ['other node_modules', /node_modules\//],
  ['project (other)', /^file:|^\//],
  ['Node internals', /^node:|^internal\//],
];

function groupOf(url: string, name: string): string {
  if (name === '(garbage collector)') return 'garbage collector';
  if (name === '(idle)') return 'idle';
  if (name === '(program)') return '(program: native, not attributed)';
  for (const [g, re] of GROUPS) if (re.test(url)) return g;
  return url === '' ? `native: ${name || '(anonymous)'}` : 'other';
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: npx tsx bench/profile-summary.ts FILE.cpuprofile [top]\n');
  process.exit(2);
}
const profile = profileSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
const top = Number(topArg ?? 25);
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const byGroup = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const node of profile.nodes) {
  const us = self.get(node.id) ?? 0;
  if (us === 0) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const g = groupOf(url, functionName);
  byGroup.set(g, (byGroup.get(g) ?? 0) + us);
  const short = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(worker|lib|bench|simulator)\//, '$1/');
  const k = `${functionName || '(anonymous)'}  ${short}${url ? `:${lineNumber + 1}` : ''}`;
  byFunction.set(k, (byFunction.get(k) ?? 0) + us);
}
const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)} %`;
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
console.log('\nself time by where the code lives:');
for (const [g, us] of [...byGroup.entries()].sort((a, b) => b[1] - a[1])) console.log(`  ${pct(us)}  ${g}`);
console.log(`\ntop ${top} functions by self time:`);
for (const [k, us] of [...byFunction.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${k}`);
