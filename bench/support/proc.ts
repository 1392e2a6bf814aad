/**
 * Memory of a process (Linux /proc): the current resident set (VmRSS) and its peak since the
 * process started (VmHWM). A sampler keeps the largest value seen too, for systems without VmHWM.
 */
import fs from 'node:fs';

export interface MemoryReading {
  rssMiB: number | null;
  peakRssMiB: number | null;
}

function field(status: string, name: string): number | null {
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  return m?.[1] ? Math.round((Number(m[1]) / 1024) * 10) / 10 : null;
}

function readMemory(pid: number): MemoryReading {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return { rssMiB: field(status, 'VmRSS'), peakRssMiB: field(status, 'VmHWM') };
  } catch {
    return { rssMiB: null, peakRssMiB: null };
  }
}

export interface MemorySampler {
  /** The peak resident set: VmHWM when readable, else the largest sampled VmRSS. */
  peakMiB(): number | null;
  /** The last resident set sampled. */
  lastMiB(): number | null;
  /** CPU seconds used by the process, as last read (still known after it exits). */
  cpuSeconds(): number | null;
  /** Seconds its main thread was runnable but waiting for a CPU, as last read. */
  runQueueSeconds(): number | null;
  stop(): void;
}

/** Polls a process's memory every intervalMs until stop() (call it before the process ends). */
export function sampleMemory(pid: number, intervalMs = 250): MemorySampler {
  let peak: number | null = null;
  let last: number | null = null;
  let cpu: number | null = null;
  let waiting: number | null = null;
  const take = () => {
    cpu = cpuSeconds(pid) ?? cpu;
    waiting = schedSeconds(pid)?.waiting ?? waiting;
    const r = readMemory(pid);
    if (r.rssMiB !== null) last = r.rssMiB;
    const candidate = r.peakRssMiB ?? r.rssMiB;
    if (candidate !== null && (peak === null || candidate > peak)) peak = candidate;
  };
  take();
  const timer = setInterval(take, intervalMs);
  timer.unref();
  return {
    peakMiB: () => peak,
    lastMiB: () => last,
    cpuSeconds: () => cpu,
    runQueueSeconds: () => waiting,
    stop() {
      take();
      clearInterval(timer);
    },
  };
}

/** CPU microseconds (user + system) this process spends running `f`. */
export function cpuMicrosOf(f: () => void): number {
  const started = process.cpuUsage();
  f();
  const used = process.cpuUsage(started);
  return used.user + used.system;
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; null when unreadable. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at ")".
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / CLOCK_TICKS : null;
  } catch {
    return null;
  }
}

/** Linux's USER_HZ: 100 on every mainstream architecture. */
const CLOCK_TICKS = 100;

/** Whole-machine CPU time counters from /proc/stat: busy and total, in clock ticks. */
export function machineCpu(): { busy: number; total: number } | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = v;
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait };
  } catch {
    return null;
  }
}

/** Percentage of all cores that were busy between two machineCpu() readings (100 = every core busy). */
export function busyPercent(a: ReturnType<typeof machineCpu>, b: ReturnType<typeof machineCpu>): number | null {
  if (!a || !b || b.total <= a.total) return null;
  return Math.round(((b.busy - a.busy) / (b.total - a.total)) * 1000) / 10;
}

/**
 * Scheduler times of a process's main thread (/proc/<pid>/schedstat): seconds on a CPU and seconds
 * runnable but waiting for one. The second is what other work on the machine costs the process.
 */
export function schedSeconds(pid: number | 'self'): { onCpu: number; waiting: number } | null {
  try {
    const [run, wait] = fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
    return run === undefined || wait === undefined ? null : { onCpu: run / 1e9, waiting: wait / 1e9 };
  } catch {
    return null;
  }
}

/**
 * CPU seconds used so far by every process on the machine that `matches` (its command name and
 * NUL-separated command line), summed; processes that end between the readings are missed.
 */
export function cpuSecondsWhere(matches: (comm: string, cmdline: string) => boolean): number {
  let total = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (!matches(comm, fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8'))) continue;
      total += cpuSeconds(Number(entry)) ?? 0;
    } catch {
      // the process ended while being read
    }
  }
  return total;
}

/** PostgreSQL's processes (backends and the server's own), by command name. */
export const isPostgres = (comm: string): boolean => comm === 'postgres';
/** A Kafka broker's JVM, by its main class. */
export const isKafkaBroker = (comm: string, cmdline: string): boolean => comm === 'java' && cmdline.includes('\0kafka.Kafka\0');
