/**
 * The commit's transaction on node-postgres directly (issue 15). Prisma stays the schema, the
 * migrations and every other query; the commit's statements are SQL already (Prisma.sql fragments
 * with their parameters), so they go to one pooled pg connection between BEGIN and COMMIT, without
 * Prisma's interactive-transaction machinery. With small chunks (the live case) that machinery, the
 * client's query path and its promises took about a tenth of the worker's CPU (profile of 200-event
 * chunks, docs/BENCHMARKS.md).
 */
import pg from 'pg';
import { Prisma } from '@/lib/db/generated/client';

/** Raw SQL as Prisma's tags take it, so the same statements run on a Prisma client, a Prisma transaction or a pg transaction. */
export interface SqlRunner {
  $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): PromiseLike<number>;
  $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): PromiseLike<T>;
}

function toSql(query: TemplateStringsArray | Prisma.Sql, values: unknown[]): Prisma.Sql {
  return query instanceof Prisma.Sql ? query : Prisma.sql(query, ...(values as Prisma.Sql[]));
}

/** The statements of one checked-out connection, as a SqlRunner. */
function runnerOf(client: pg.PoolClient): SqlRunner {
  return {
    async $executeRaw(query, ...values) {
      const sql = toSql(query, values);
      const r = await client.query(sql.text, sql.values);
      return r.rowCount ?? 0;
    },
    async $queryRaw<T>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) {
      const sql = toSql(query, values);
      const r = await client.query(sql.text, sql.values);
      return r.rows as T;
    },
  };
}

export interface TransactionPoolOptions {
  connectionString: string;
  max: number;
  /** How long to wait for a free connection before failing (the caller retries). */
  connectTimeoutMs: number;
  /** A statement running longer is cancelled (SQLSTATE 57014; the caller retries the transaction). */
  statementTimeoutMs: number;
}

/** A pool for the commit's transactions. Its idle connections' errors (a server restart) are dropped: the next checkout opens a new one, and errors in use reach the caller. */
export function createTransactionPool(o: TransactionPoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: o.connectionString,
    max: o.max,
    connectionTimeoutMillis: o.connectTimeoutMs,
    statement_timeout: o.statementTimeoutMs,
    // A worker that stops between statements does not hold its locks for longer than this.
    idle_in_transaction_session_timeout: o.statementTimeoutMs,
  });
  pool.on('error', () => {});
  return pool;
}

/**
 * Runs `work` in one transaction on a connection of the pool: committed when it returns, rolled back
 * when it throws (the error is rethrown). A connection that failed or whose ROLLBACK failed is
 * closed, not reused.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (tx: SqlRunner) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A connection lost between statements (a server restart) is reported on the client, not on a
  // query: without a listener it would be an uncaught exception. The next statement then fails.
  const onError = (err: Error) => {
    broken = err;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(runnerOf(client));
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackErr: unknown) => {
      broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
    });
    throw err;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
