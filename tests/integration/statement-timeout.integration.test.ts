/**
 * Every statement of the web server is bounded: its process-wide client (lib/db/prisma.ts prisma())
 * sets PostgreSQL's statement_timeout to WEB_STATEMENT_TIMEOUT_MS, and a route whose query runs past
 * it answers 503 `query_timeout` naming the setting, not a bare 500 or a hung request. Against the
 * real database.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/db/prisma';
import { withErrors } from '@/web/http/route';

// Before the first config(): the client is built from it on first use.
process.env.WEB_STATEMENT_TIMEOUT_MS = '300';

afterAll(async () => {
  await prisma().$disconnect();
});

describe('WEB_STATEMENT_TIMEOUT_MS', () => {
  it('is the statement_timeout of every connection of the web server’s client', async () => {
    const rows = await prisma().$queryRaw<{ statement_timeout: string }[]>`SHOW statement_timeout`;
    expect(rows[0]?.statement_timeout).toBe('300ms');
  });

  it('comes with JIT compilation off (the web\'s statements are short and concurrent)', async () => {
    const rows = await prisma().$queryRaw<{ jit: string }[]>`SHOW jit`;
    expect(rows[0]?.jit).toBe('off');
  });

  it('cancels a longer statement, and the route answers 503 query_timeout naming the setting', async () => {
    const started = Date.now();
    const route = withErrors('slow', async () => {
      await prisma().$queryRaw`SELECT pg_sleep(5)`;
      return Response.json({ ok: true });
    });
    const r = await route();
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(r.status).toBe(503);
    const body = (await r.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('query_timeout');
    expect(body.error.message).toContain('WEB_STATEMENT_TIMEOUT_MS');
  });

  it('leaves statements shorter than the bound alone', async () => {
    const rows = await prisma().$queryRaw<{ ok: number }[]>`SELECT 1 AS ok FROM pg_sleep(0.05)`;
    expect(rows).toEqual([{ ok: 1 }]);
  });
});
