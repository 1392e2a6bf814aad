/** The results: one record per scenario, printed as a table and written as JSON. */
import fs from 'node:fs';
import path from 'node:path';
import type { MachineInfo } from './machine';

export interface Figure {
  /** Stable key, for tools reading the JSON. */
  key: string;
  label: string;
  value: number | string | null;
  unit: string;
}

export interface ScenarioResult {
  name: string;
  title: string;
  status: 'ok' | 'failed';
  startedAt: string;
  seconds: number;
  /** os.loadavg() (1, 5, 15 min) when the scenario started and ended: the machine is shared. */
  loadAverage: { start: [number, number, number]; end: [number, number, number] };
  machine: MachineInfo;
  figures: Figure[];
  notes: string[];
  error?: string;
}

export interface BenchReport {
  runId: string;
  startedAt: string;
  finishedAt: string;
  mode: 'full' | 'quick';
  stack: { kafka: string; postgres: string; brokers: string };
  parameters: { events: number; users: number };
  machine: MachineInfo;
  scenarios: ScenarioResult[];
}

function formatValue(v: Figure['value']): string {
  if (v === null) return '—';
  if (typeof v === 'string') return v;
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return v.toLocaleString('en-US', { maximumFractionDigits: Math.abs(v) < 10 ? 2 : 1 });
}

export function formatTable(report: BenchReport): string {
  const m = report.machine;
  const lines: string[] = [];
  lines.push(
    `machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, Kafka ${m.kafkaVersion} (${m.kafkaVersionSource}), PostgreSQL ${m.postgresVersion ?? '?'}, ${m.platform}`,
  );
  lines.push(`mode: ${report.mode}; pre-filled topic: ${report.parameters.events.toLocaleString('en-US')} events from ${report.parameters.users.toLocaleString('en-US')} users; stack: kafka ${report.stack.kafka}, postgres ${report.stack.postgres}`);
  const rows: [string, string, string, string][] = [];
  for (const s of report.scenarios) {
    const load = `load ${s.loadAverage.start[0]}→${s.loadAverage.end[0]}`;
    if (s.status === 'failed') {
      rows.push([s.title, 'FAILED', s.error ?? '', load]);
      continue;
    }
    s.figures.forEach((f, i) => rows.push([i === 0 ? s.title : '', f.label, `${formatValue(f.value)}${f.unit ? ` ${f.unit}` : ''}`, i === 0 ? load : '']));
  }
  const header: [string, string, string, string] = ['scenario', 'measure', 'value', 'machine load (1-min)'];
  const widths = header.map((h, i) => Math.min(70, Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0))));
  const fmt = (r: string[]) => r.map((c, i) => (i === 2 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(' │ ');
  lines.push('');
  lines.push(fmt(header));
  lines.push(widths.map((w) => '─'.repeat(w)).join('─┼─'));
  let previous = '';
  for (const r of rows) {
    if (r[0] !== '' && previous !== '') lines.push(widths.map((w) => '─'.repeat(w)).join('─┼─'));
    lines.push(fmt(r));
    previous = r[0] || previous;
  }
  for (const s of report.scenarios) for (const n of s.notes) lines.push(`  [${s.name}] ${n}`);
  return lines.join('\n');
}

export function writeReport(report: BenchReport, out: string | undefined): string {
  const file = path.resolve(out ?? path.join('bench', 'results', `${report.startedAt.replace(/[:.]/g, '-')}.json`));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
