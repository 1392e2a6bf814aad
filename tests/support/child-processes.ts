/**
 * Child processes a test file starts, stopped however its tests end. A test that fails or times
 * out is not stopped by vitest: its body runs on, and a process it started (or starts later)
 * would outlive the run, which `npm test` counts as a failure (see tooling/process/leftovers.ts).
 */
import type { ChildProcess } from 'node:child_process';

/** Started (a failed spawn has no pid) and not exited yet. */
const running = (c: ChildProcess) => c.pid !== undefined && c.exitCode === null && c.signalCode === null;

/** Resolves true once the process has exited, false after `timeoutMs`. */
function exitWithin(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (!running(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** SIGTERM, then SIGKILL if it is still running after `graceMs`; resolves once it has exited. */
export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (!running(child)) return;
  child.kill('SIGTERM');
  if (await exitWithin(child, graceMs)) return;
  child.kill('SIGKILL');
  if (!(await exitWithin(child, 10_000))) throw new Error(`process ${child.pid} is still running after SIGKILL`);
}

/**
 * The processes one test file starts through `start`. `stopAll` (in afterEach or afterAll) stops
 * those still running; after `close` starting another throws instead, so the body of a test that
 * timed out cannot start one behind the cleanup's back. Should the test process exit first, they
 * are SIGKILLed on the way out.
 */
export class ChildProcesses {
  private readonly children = new Set<ChildProcess>();
  private closedBecause: string | undefined;

  constructor(private readonly what: string) {
    process.once('exit', () => {
      for (const c of this.children) c.kill('SIGKILL');
    });
  }

  start<T extends ChildProcess>(spawnIt: () => T): T {
    if (this.closedBecause !== undefined) throw new Error(`not starting ${this.what}: ${this.closedBecause}`);
    const child = spawnIt();
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  async stopAll(graceMs?: number): Promise<void> {
    await Promise.all([...this.children].map((c) => stopProcess(c, graceMs)));
  }

  /** Stops them all and refuses new ones from now on. */
  async close(reason: string, graceMs?: number): Promise<void> {
    this.closedBecause = reason;
    await this.stopAll(graceMs);
  }
}
