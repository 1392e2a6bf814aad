import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@/lib/wait';
import { describeProcesses, findLeftovers, findMarkedProcesses, killProcesses, selfAndAncestors } from './leftovers';

const hasProc = fs.existsSync('/proc/self/environ');
const NAME = 'LEFTOVERS_TEST_MARK';

/** Running, as opposed to gone or a zombie waiting to be reaped. */
function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !['Z', 'X'].includes(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return false;
  }
}

const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) {
    try {
      if (c.pid) process.kill(-c.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

/** A shell in a process group of its own; resolves with it and the first line it prints. */
function startShell(script: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; firstLine: string }> {
  const child = spawn('sh', ['-c', script], { env, detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  started.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve({ child, firstLine: out.split('\n')[0] ?? '' });
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`shell exited early (${code})`)));
  });
}

const exited = (child: ChildProcess) => new Promise<NodeJS.Signals | null>((resolve) => {
  if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode);
  else child.once('exit', (_code, sig) => resolve(sig));
});

describe.runIf(hasProc)('processes left behind by a run (Linux /proc)', () => {
  it('finds a detached process carrying the marker, kills it and its group, and leaves unmarked processes alone', async () => {
    const value = randomUUID();
    const withoutMark = { ...process.env };
    delete withoutMark[NAME];
    // The marked shell starts a child without the marker in its group; only the group kill reaches it.
    const marked = await startShell(`env -u ${NAME} sleep 300 & echo $!; wait`, { ...withoutMark, [NAME]: value });
    const grandchild = Number(marked.firstLine);
    const unmarked = await startShell('echo started; exec sleep 300', withoutMark);
    const otherRun = await startShell('echo started; exec sleep 300', { ...withoutMark, [NAME]: randomUUID() });

    // The background child carries the marker until `env` has exec'd sleep without it, which can be
    // just after `echo $!` (under load, the first look found both).
    let found = findMarkedProcesses({ name: NAME, value });
    await waitFor(() => Promise.resolve((found = findMarkedProcesses({ name: NAME, value })).length === 1), 5_000, 20);
    expect(found).toEqual([{ pid: marked.child.pid, pgid: marked.child.pid, command: expect.stringContaining('sh -c env -u') as string }]);
    expect(describeProcesses(found)).toEqual([expect.stringMatching(new RegExp(`^pid ${marked.child.pid} \\(group ${marked.child.pid}\\): sh -c env -u ${NAME} sleep 300`)) as string]);
    expect(findMarkedProcesses({ name: NAME, value }, new Set([marked.child.pid!]))).toEqual([]);

    const left = await killProcesses(found, selfAndAncestors());
    expect(left).toEqual([]);
    expect(await exited(marked.child)).toBe('SIGKILL');
    expect(running(grandchild), 'the unmarked child in the marked process group is killed too').toBe(false);
    expect(findMarkedProcesses({ name: NAME, value })).toEqual([]);
    expect(running(unmarked.child.pid!), 'a process without the marker keeps running').toBe(true);
    expect(running(otherRun.child.pid!), 'a process with another run id keeps running').toBe(true);
  });

  it('never kills the process group of a spared process (the caller and its ancestors)', async () => {
    const value = randomUUID();
    // An unmarked shell (the "caller") with a marked child in its own process group.
    const shell = await startShell(`${NAME}=${value} sleep 300 & echo $!; exec sleep 301`, process.env);
    const child = Number(shell.firstLine);
    // The background child carries the marker once it has exec'd sleep, which can be just after `echo $!`.
    let found = findMarkedProcesses({ name: NAME, value });
    await waitFor(() => Promise.resolve((found = findMarkedProcesses({ name: NAME, value })).length > 0), 5_000, 20);
    expect(found.map((p) => [p.pid, p.pgid])).toEqual([[child, shell.child.pid]]);

    expect(await killProcesses(found, new Set([shell.child.pid!]))).toEqual([]);
    expect(running(child)).toBe(false);
    expect(running(shell.child.pid!), 'the spared process group is left alone').toBe(true);
  });

  it('gives processes on their way out a grace period before calling them leftovers', async () => {
    const value = randomUUID();
    await startShell('echo started; exec sleep 1', { ...process.env, [NAME]: value });
    expect(findMarkedProcesses({ name: NAME, value })).toHaveLength(1);
    expect(await findLeftovers({ name: NAME, value }, new Set(), 5000)).toEqual([]);
  });

  it('knows its own ancestry', () => {
    const mine = selfAndAncestors();
    expect(mine.has(process.pid)).toBe(true);
    expect(mine.has(process.ppid)).toBe(true);
  });
});

describe('processes left behind by a run, without /proc', () => {
  it('finds nothing and kills nothing', async () => {
    const missing = `/nonexistent-proc-${randomUUID()}`;
    expect(findMarkedProcesses({ name: 'PATH', value: process.env.PATH ?? '' }, new Set(), missing)).toEqual([]);
    expect(await findLeftovers({ name: 'PATH', value: process.env.PATH ?? '' }, new Set(), 0, missing)).toEqual([]);
    expect(selfAndAncestors(process.pid, missing)).toEqual(new Set([process.pid]));
  });
});
