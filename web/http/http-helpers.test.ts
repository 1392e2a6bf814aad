import { describe, expect, it } from 'vitest';
import { requireAdmin, tokenMatches } from './auth';
import { csvCell, csvLine } from './csv';
import { parseJsonBody, parseQuery } from './parse';
import { createRateLimiter } from '@/web/live/rate-limit';
import { isSameOrigin } from './same-origin';
import { contentSecurityPolicy } from './security-headers';
import { simulationBodySchema } from './simulation-params';
import { usersParamsSchema } from './users-list-params';

const errorOf = async (r: Response) => ((await r.json()) as { error: { field?: string; message: string } }).error;

describe('parseQuery', () => {
  it('names the field of the first problem', async () => {
    const r = parseQuery(usersParamsSchema, 'http://x/api/users?limit=0');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.response.status).toBe(400);
      expect(await errorOf(r.response)).toMatchObject({ field: 'limit' });
    }
  });
  it('refuses a parameter given twice', async () => {
    const r = parseQuery(usersParamsSchema, 'http://x/api/users?sort=ctr&sort=events');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(await errorOf(r.response)).toMatchObject({ field: 'sort' });
  });
});

describe('usersParamsSchema', () => {
  const parse = (q: string) => usersParamsSchema.safeParse(Object.fromEntries(new URLSearchParams(q)));
  it('defaults to today, by time spent, descending, 50 rows', () => {
    const r = parse('');
    expect(r.success && r.data).toMatchObject({ sort: 'timeSpent', order: 'desc', limit: 50, q: '', format: 'json' });
    expect(r.success && r.data.range.from).toBe(new Date().toISOString().slice(0, 10));
  });
  it.each([
    ['day=2024-02-30', 'day'],
    ['day=2024-01-01&from=2024-01-01', 'day'],
    ['from=2024-02-01&to=2024-01-01', 'from'],
    ['from=2023-01-01&to=2024-12-31', 'to'],
    ['sort=name', 'sort'],
    ['order=up', 'order'],
    ['limit=201', 'limit'],
    ['limit=1.5', 'limit'],
    ['q=%25', 'q'],
    ['cursor=garbage!', 'cursor'],
    ['format=xml', 'format'],
  ])('%s is refused naming %s', (q, field) => {
    const r = parse(q);
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0]?.path[0]).toBe(field);
  });
  it('accepts a range of exactly 366 days', () => {
    expect(parse('from=2024-01-01&to=2024-12-31').success).toBe(true);
  });
});

describe('parseJsonBody', () => {
  const req = (body: string, type = 'application/json') => new Request('http://x/', { method: 'POST', body, headers: { 'content-type': type } });
  it('needs JSON', async () => {
    const r = await parseJsonBody(simulationBodySchema, req('action=start', 'application/x-www-form-urlencoded'));
    expect(!r.ok && r.response.status).toBe(415);
  });
  it('reports invalid JSON and bad fields as 400 naming the field', async () => {
    const bad = await parseJsonBody(simulationBodySchema, req('{'));
    expect(!bad.ok && (await errorOf(bad.response)).field).toBe('body');
    const rate = await parseJsonBody(simulationBodySchema, req('{"action":"start","rate":100001}'));
    expect(!rate.ok && (await errorOf(rate.response))).toMatchObject({ field: 'rate', message: 'rate: must be at most 100,000' });
    const users = await parseJsonBody(simulationBodySchema, req('{"action":"start","users":1000001}'));
    expect(!users.ok && (await errorOf(users.response)).field).toBe('users');
    const extra = await parseJsonBody(simulationBodySchema, req('{"action":"stop","x":1}'));
    expect(!extra.ok && (await errorOf(extra.response)).message).toContain('x');
  });
  it('refuses bodies over the limit', async () => {
    const r = await parseJsonBody(simulationBodySchema, req(JSON.stringify({ action: 'stop', pad: 'x'.repeat(20_000) })));
    expect(!r.ok && r.response.status).toBe(413);
  });
});

describe('auth', () => {
  it('compares tokens without leaking through length', () => {
    expect(tokenMatches('secret-token-1234', 'secret-token-1234')).toBe(true);
    expect(tokenMatches('secret', 'secret-token-1234')).toBe(false);
  });
  it('requires a bearer token only when ADMIN_TOKEN is set, and never echoes it', async () => {
    const token = 'a-very-secret-admin-token';
    const plain = new Request('http://x/');
    expect(requireAdmin(plain, undefined)).toBeUndefined();
    const refused = requireAdmin(plain, token);
    expect(refused?.status).toBe(401);
    expect(await refused?.text()).not.toContain(token);
    expect(requireAdmin(new Request('http://x/', { headers: { authorization: `Bearer ${token}` } }), token)).toBeUndefined();
    expect(requireAdmin(new Request('http://x/', { headers: { authorization: 'Bearer wrong' } }), token)?.status).toBe(401);
  });
});

describe('same-origin', () => {
  const h = (o: Record<string, string>) => new Headers({ host: 'localhost:3000', ...o });
  it('allows same origin and non-browser clients, refuses others', () => {
    expect(isSameOrigin(h({ origin: 'http://localhost:3000' }))).toBe(true);
    expect(isSameOrigin(h({}))).toBe(true);
    expect(isSameOrigin(h({ origin: 'http://evil.example' }))).toBe(false);
    expect(isSameOrigin(h({ origin: 'null' }))).toBe(false);
    expect(isSameOrigin(h({ 'sec-fetch-site': 'cross-site' }))).toBe(false);
  });
});

describe('rate limiter', () => {
  it('allows a burst, then asks to wait, then refills', () => {
    const l = createRateLimiter(2, 1);
    const t = Date.now();
    expect([l.take(t), l.take(t), l.take(t)]).toEqual([0, 0, 1]);
    expect(l.take(t + 1500)).toBe(0);
  });
});

describe('csv', () => {
  it('quotes and defuses formulas', () => {
    expect(csvLine(['a,b', 'say "hi"', null, 3])).toBe('"a,b","say ""hi""",,3\r\n');
    expect(csvCell('=cmd()')).toBe("'=cmd()");
    expect(csvCell('-user')).toBe("'-user");
    expect(csvCell(-1)).toBe('-1');
  });
});

describe('content security policy', () => {
  it('allows only self, its websocket and the nonce', () => {
    const csp = contentSecurityPolicy('abc', 'localhost:3000', false);
    expect(csp).toContain("script-src 'self' 'nonce-abc'");
    expect(csp).toContain("connect-src 'self' ws://localhost:3000 wss://localhost:3000");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(contentSecurityPolicy('abc', 'evil"; script-src *', false)).toContain("connect-src 'self';");
  });
});
