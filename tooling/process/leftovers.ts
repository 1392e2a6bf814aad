/**
 * Processes left behind by a run: every process a run starts inherits a marker variable in its
 * environment (`NAME=<random id>`), so after the run whatever still carries it has outlived it,
 * whoever spawned it and however detached it is. Found through /proc (Linux); on a system without
 * /proc nothing is found. Root reads every process's environment; another user reads only its own,
 * which are the only ones its run can have started.
 */
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Marker {
  name: string;
  value: string;
}

export interface MarkedProcess {
  pid: number;
  /** Its process group (what it may have spawned without the marker is in there too). */
  pgid: number;
  /** Its command line, arguments separated by spaces. */
  command: string;
}

interface Stat {
  ppid: number;
  pgid: number;
  state: string;
}

function readProc(procDir: string, pid: number, file: string): string | undefined {
  try {
    return fs.readFileSync(path.join(procDir, String(pid), file), 'latin1');
  } catch {
    return undefined; // gone, a kernel thread, or not ours to read
  }
}

/** State, parent and process group from /proc/<pid>/stat (the command name may hold spaces and parentheses). */
function readStat(procDir: string, pid: number): Stat | undefined {
  const stat = readProc(procDir, pid, 'stat');
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [state, ppid, pgid] = [fields[0] ?? '', Number(fields[1]), Number(fields[2])];
  return Number.isInteger(ppid) && Number.isInteger(pgid) ? { state, ppid, pgid } : undefined;
}

function pids(procDir: string): number[] {
  try {
    return fs.readdirSync(procDir).filter((n) => /^\d+$/.test(n)).map(Number);
  } catch {
    return []; // no /proc here
  }
}

/** The process and its ancestors up to (not including) pid 0. */
export function selfAndAncestors(pid: number = process.pid, procDir = '/proc'): Set<number> {
  const out = new Set<number>();
  for (let p = pid; p > 0 && !out.has(p); p = readStat(procDir, p)?.ppid ?? 0) out.add(p);
  return out;
}

/**
 * Running processes whose environment holds `marker.name=marker.value`, except the pids in
 * `exclude`. Zombies (already dead, waiting for their parent) are not running and not listed.
 */
export function findMarkedProcesses(marker: Marker, exclude: ReadonlySet<number> = new Set(), procDir = '/proc'): MarkedProcess[] {
  const entry = `${marker.name}=${marker.value}`;
  const found: MarkedProcess[] = [];
  for (const pid of pids(procDir)) {
    if (exclude.has(pid)) continue;
    const environ = readProc(procDir, pid, 'environ');
    if (environ === undefined || !environ.split('\0').includes(entry)) continue;
    const stat = readStat(procDir, pid);
    if (stat === undefined || stat.state === 'Z' || stat.state === 'X') continue;
    const command = (readProc(procDir, pid, 'cmdline') ?? '').split('\0').filter(Boolean).join(' ');
    found.push({ pid, pgid: stat.pgid, command: command || `(pid ${pid})` });
  }
  return found.sort((a, b) => a.pid - b.pid);
}

/**
 * Marked processes still running after `graceMs`: processes that are on their way out when the
 * run ends (a worker finishing its SIGTERM shutdown) get that long to go by themselves.
 */
export async function findLeftovers(marker: Marker, exclude: ReadonlySet<number>, graceMs = 3000, procDir = '/proc'): Promise<MarkedProcess[]> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const found = findMarkedProcesses(marker, exclude, procDir);
    if (found.length === 0 || Date.now() >= deadline) return found;
    await sleep(100);
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/**
 * SIGKILLs each process and its process group, except groups that hold a process of `spare`
 * (the caller and its ancestors: a child left in our own group must not take us with it), then
 * waits up to `timeoutMs` for them to be gone. Returns the pids still running after that.
 */
export async function killProcesses(list: readonly MarkedProcess[], spare: ReadonlySet<number>, timeoutMs = 5000, procDir = '/proc'): Promise<number[]> {
  const spareGroups = new Set([...spare].map((p) => readStat(procDir, p)?.pgid).filter((g): g is number => g !== undefined));
  for (const p of list) {
    if (p.pgid > 1 && !spareGroups.has(p.pgid)) signal(-p.pgid, 'SIGKILL');
    signal(p.pid, 'SIGKILL');
  }
  const running = () => list.map((p) => p.pid).filter((pid) => {
    const state = readStat(procDir, pid)?.state;
    return state !== undefined && state !== 'Z' && state !== 'X';
  });
  const deadline = Date.now() + timeoutMs;
  while (running().length > 0 && Date.now() < deadline) await sleep(50);
  return running();
}

/** One line per process: `pid 123 (group 120): node worker/main.ts`, cut at `width` characters. */
export function describeProcesses(list: readonly MarkedProcess[], width = 300): string[] {
  return list.map((p) => {
    const line = `pid ${p.pid} (group ${p.pgid}): ${p.command}`;
    return line.length > width ? `${line.slice(0, width - 1)}…` : line;
  });
}
