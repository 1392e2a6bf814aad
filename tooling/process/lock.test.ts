import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock } from './lock';

describe('the demo lock', () => {
  const file = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lock-')), 'demo.lock');

  it('refuses a second holder while the first is alive, and names it', () => {
    const f = file();
    const first = acquireLock(f, { pid: process.pid, url: 'http://127.0.0.1:3000' });
    expect(first.ok).toBe(true);
    const second = acquireLock(f, { pid: process.pid + 1, url: 'http://127.0.0.1:3001' });
    expect(second).toEqual({ ok: false, holder: { pid: process.pid, url: 'http://127.0.0.1:3000' } });
    if (first.ok) first.release();
    expect(acquireLock(f, { pid: process.pid, url: 'x' }).ok).toBe(true);
  });

  it('takes over a lock left by a process that is gone', () => {
    const f = file();
    fs.writeFileSync(f, JSON.stringify({ pid: 2 ** 22 + 12345, url: 'stale' }));
    expect(acquireLock(f, { pid: process.pid, url: 'new' }).ok).toBe(true);
  });
});
