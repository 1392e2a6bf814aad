import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { canEnter, dataDirFor, postgresBinaries, postgresUser, rootCacheDir } from './postgres-binaries';

const isRoot = process.getuid?.() === 0;
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder under the temporary folder with the given mode. */
function folder(mode: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-binaries-test-'));
  fs.chmodSync(dir, mode);
  made.push(dir);
  return dir;
}

describe('PostgreSQL data folder, not as root', () => {
  it('is the folder asked for, untouched', () => {
    expect(dataDirFor('relative/pg', undefined)).toBe(path.resolve('relative/pg'));
    expect(fs.existsSync('relative')).toBe(false);
  });
});

describe.runIf(isRoot && os.platform() === 'linux')('PostgreSQL binaries and data as root (run as the postgres user)', () => {
  it('runs a copy of the binaries that the postgres user can reach, outside the checkout', () => {
    const bins = postgresBinaries();
    expect(bins.runAs).toEqual(postgresUser());
    expect(bins.postgres.startsWith(rootCacheDir() + path.sep)).toBe(true);
    const version = spawnSync(bins.postgres, ['--version'], { ...bins.runAs, encoding: 'utf8' });
    expect(version.error).toBeUndefined();
    expect(version.stdout).toMatch(/^postgres \(PostgreSQL\) \d+/);
  });

  it('keeps the data folder asked for when the postgres user can reach it, and gives it to that user', () => {
    const user = postgresUser();
    const wanted = path.join(folder(0o755), 'pg');
    expect(dataDirFor(wanted, user)).toBe(wanted);
    const st = fs.statSync(wanted);
    expect([st.uid, st.gid, st.mode & 0o777]).toEqual([user.uid, user.gid, 0o700]);
    expect(canEnter(user, wanted, true)).toBe(true);
  });

  it('keeps the data elsewhere, the same place every time, when a folder above is closed to the postgres user', () => {
    const user = postgresUser();
    const closed = folder(0o700);
    const wanted = path.join(closed, 'repo', '.data', 'pg');
    expect(canEnter(user, closed)).toBe(false);
    const dir = dataDirFor(wanted, user);
    made.push(dir);
    expect(path.dirname(dir)).toBe(rootCacheDir());
    expect(dataDirFor(wanted, user)).toBe(dir);
    const st = fs.statSync(dir);
    expect([st.uid, st.mode & 0o777]).toEqual([user.uid, 0o700]);
    expect(canEnter(user, dir, true)).toBe(true);
  });
});
