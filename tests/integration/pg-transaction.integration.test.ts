/**
 * The commit's transactions on node-postgres (worker/shell/pg-transaction.ts), on the real
 * PostgreSQL: each statement text is prepared once per connection and reused, also after a
 * transaction that failed and rolled back; a rolled-back transaction leaves nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config } from '@/lib/config';
import { Prisma } from '@/lib/db/generated/client';
import { createTransactionPool, inTransaction, statementNameOf } from '@/worker/shell/pg-transaction';
import type pg from 'pg';

const table = `pg_tx_${process.pid}_${Date.now().toString(36)}`;
let pool: pg.Pool;

beforeAll(async () => {
  // One connection, so every transaction below runs on the same one.
  pool = createTransactionPool({ connectionString: config().DATABASE_URL, max: 1, connectTimeoutMs: 10_000, statementTimeoutMs: 10_000 });
  await pool.query(`CREATE TABLE ${table} (k int PRIMARY KEY, n int NOT NULL)`);
});

afterAll(async () => {
  await pool.query(`DROP TABLE IF EXISTS ${table}`);
  await pool.end();
});

const upsert = (k: number) =>
  Prisma.sql`INSERT INTO ${Prisma.raw(table)} (k, n) SELECT k, 1 FROM unnest(${`{${k}}`}::int[]) AS x(k) ON CONFLICT (k) DO UPDATE SET n = ${Prisma.raw(table)}.n + 1`;

describe('inTransaction', () => {
  it('prepares each statement text once per connection and reuses it, also after a rollback', async () => {
    const name = statementNameOf(upsert(1).text) as string;
    expect(name).toBeDefined();
    const prepared = async () =>
      inTransaction(pool, async (tx) => tx.$queryRaw<{ name: string; statement: string }[]>`SELECT name, statement FROM pg_prepared_statements WHERE name = ${name}`);

    await inTransaction(pool, async (tx) => tx.$executeRaw(upsert(1)));
    expect(await prepared()).toEqual([{ name, statement: upsert(1).text }]);

    // A transaction that fails after using it: rolled back, nothing of it stays, the statement does.
    await expect(
      inTransaction(pool, async (tx) => {
        await tx.$executeRaw(upsert(2));
        await tx.$executeRaw`SELECT 1 / 0`;
      }),
    ).rejects.toThrow(/division by zero/);
    expect(await prepared()).toHaveLength(1);

    // Reused with other parameters (the same text), on the same connection.
    for (const k of [1, 2, 3, 1]) await inTransaction(pool, async (tx) => tx.$executeRaw(upsert(k)));
    const rows = await pool.query<{ k: number; n: number }>(`SELECT k, n FROM ${table} ORDER BY k`);
    expect(rows.rows).toEqual([
      { k: 1, n: 3 },
      { k: 2, n: 1 },
      { k: 3, n: 1 },
    ]);
  });
});
