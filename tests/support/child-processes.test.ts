import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ChildProcesses, stopProcess } from './child-processes';

/** A node process that prints "ready" once its SIGTERM handler (if any) is in place. */
const node = (code: string) => spawn(process.execPath, ['-e', `${code}; console.log('ready'); setInterval(() => {}, 1000)`], { stdio: ['ignore', 'pipe', 'ignore'] });
const ready = (c: ReturnType<typeof node>) => new Promise<void>((resolve) => c.stdout.once('data', () => resolve()));

describe("a test file's child processes", () => {
  it('stopProcess ends a process with SIGTERM when that is enough', async () => {
    const child = node('');
    await ready(child);
    await stopProcess(child, 5000);
    expect(child.signalCode).toBe('SIGTERM');
  });

  it('stopProcess SIGKILLs a process that ignores SIGTERM once the grace period is over', async () => {
    const child = node("process.on('SIGTERM', () => {})");
    await ready(child);
    const started = Date.now();
    await stopProcess(child, 300);
    expect(child.signalCode).toBe('SIGKILL');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('stopAll stops every child still running, and after close no new one starts', async () => {
    const children = new ChildProcesses('a test child');
    const a = children.start(() => node(''));
    const b = children.start(() => node("process.on('SIGTERM', () => {})"));
    await Promise.all([ready(a), ready(b)]);
    await children.close('the tests are over', 300);
    expect([a.signalCode, b.signalCode]).toEqual(['SIGTERM', 'SIGKILL']);
    let spawned = false;
    expect(() =>
      children.start(() => {
        spawned = true;
        return node('');
      }),
    ).toThrow('not starting a test child: the tests are over');
    expect(spawned).toBe(false);
  });
});
