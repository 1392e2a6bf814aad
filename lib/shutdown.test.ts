import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { stillWaitingFor, stopWithin } from './shutdown';

/** Runs tests/support/shutdown-fixture.ts, SIGTERMs it once ready, and reports how it ended. */
function runFixture(mode: string): Promise<{ code: number | null; output: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/shutdown-fixture.ts', mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let sent = 0;
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const keep = (d: Buffer) => {
      output += d.toString();
      if (sent === 0 && output.includes('ready')) {
        sent = Date.now();
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(kill);
      resolve({ code, output, ms: Date.now() - sent });
    });
  });
}

describe('stopWithin', () => {
  it('resolves with the stop when it finishes in time, and forgets it', async () => {
    const stop = stopWithin('a quick thing', 1000, new Promise<string>((r) => setTimeout(() => r('done'), 10)));
    expect(stillWaitingFor()).toContain('a quick thing');
    await expect(stop).resolves.toBe('done');
    expect(stillWaitingFor()).not.toContain('a quick thing');
  });

  it('rejects with one line naming what did not stop, after the limit', async () => {
    const started = Date.now();
    await expect(stopWithin('the Kafka consumer', 100, new Promise(() => {}))).rejects.toThrow(/^the Kafka consumer did not stop within 0\.1 s$/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(stillWaitingFor()).not.toContain('the Kafka consumer');
  });

  it('passes on the stop\'s own error', async () => {
    await expect(stopWithin('x', 1000, Promise.reject(new Error('refused')))).rejects.toThrow('refused');
  });
});

describe('onShutdown with a deadline', { timeout: 15_000 }, () => {
  it('exits 1 at the deadline, saying what it still waits for', async () => {
    const { code, output, ms } = await runFixture('hang');
    expect(code, output).toBe(1);
    expect(output).toContain('shutting down (SIGTERM)');
    expect(output).toContain('shutdown did not finish within 0.5 s; still waiting for the database; exiting');
    expect(ms).toBeLessThan(5_000);
  });

  it('exits 0 as soon as the cleanup is done, even with something still keeping the process alive', async () => {
    const { code, output, ms } = await runFixture('done');
    expect(code, output).toBe(0);
    expect(output).not.toContain('did not finish');
    expect(ms).toBeLessThan(5_000);
  });

  it('exits 1 when the cleanup fails, with the error on one line', async () => {
    const { code, output } = await runFixture('fail');
    expect(code, output).toBe(1);
    expect(output).toContain('error during shutdown: the sink would not close');
    expect(output).not.toContain('did not finish');
  });
});
