import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config } from '@/lib/config';
import { createPrisma } from '@/lib/db/prisma';
import { listMigrations, migrate } from '@/tooling/infra/migrate';

describe('migrations and the Prisma client on a fresh database', () => {
  const name = `clickstream_it_${process.pid}_${Date.now()}`;
  const adminUrl = new URL(config().DATABASE_URL);
  adminUrl.pathname = '/postgres';
  const freshUrl = new URL(config().DATABASE_URL);
  freshUrl.pathname = `/${name}`;
  const migrations = path.resolve('prisma/migrations');

  async function admin(sql: string) {
    const client = new pg.Client({ connectionString: adminUrl.toString() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  beforeAll(() => admin(`CREATE DATABASE "${name}"`));
  afterAll(() => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));

  it('applies every migration once and records it the way prisma migrate deploy does', async () => {
    const expected = listMigrations(migrations);
    const first = await migrate(freshUrl.toString(), migrations, () => {});
    expect(first.applied).toEqual(expected.map((m) => m.name));
    const second = await migrate(freshUrl.toString(), migrations, () => {});
    expect(second).toEqual({ applied: [], alreadyApplied: expected.length });

    const client = new pg.Client({ connectionString: freshUrl.toString() });
    await client.connect();
    const rows = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>('SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name');
    await client.end();
    expect(rows.rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count])).toEqual(expected.map((m) => [m.name, m.checksum, 1]));
    expect(rows.rows.every((r) => r.finished_at instanceof Date)).toBe(true);
  });

  it('round-trips a row through the Prisma client', async () => {
    const db = createPrisma(freshUrl.toString(), 2);
    try {
      const day = new Date('2023-09-25T00:00:00Z');
      await db.userDaily.create({
        data: {
          userId: 'user123', day, eventCount: 1, timeSpentSeconds: 9_007_199_254_740_993n, clicks: 0, pageViews: 1,
          firstEventAt: new Date('2023-09-25T14:30:00Z'), lastEventAt: new Date('2023-09-25T14:30:00Z'),
        },
      });
      const row = await db.userDaily.findUniqueOrThrow({ where: { userId_day: { userId: 'user123', day } } });
      expect(row.timeSpentSeconds).toBe(9_007_199_254_740_993n);
      expect(row.firstEventAt.toISOString()).toBe('2023-09-25T14:30:00.000Z');
      expect(row.pageViews).toBe(1);
    } finally {
      await db.$disconnect();
    }
  });
});
