import { describe, expect, it } from 'vitest';
import { tokenMatches } from '@/lib/access/tokens';
import { requireAdmin } from './auth';
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
    const local = { HOST: '127.0.0.1', ADMIN_TOKEN: undefined };
    const withToken = { HOST: '0.0.0.0', ADMIN_TOKEN: token };
    expect(requireAdmin(plain, local)).toBeUndefined();
    const refused = requireAdmin(plain, withToken);
    expect(refused?.status).toBe(401);
    expect(await refused?.text()).not.toContain(token);
    expect(requireAdmin(new Request('http://x/', { headers: { authorization: `Bearer ${token}` } }), withToken)).toBeUndefined();
    expect(requireAdmin(new Request('http://x/', { headers: { authorization: 'Bearer wrong' } }), withToken)?.status).toBe(401);
  });
  it('refuses control on a non-loopback HOST without ADMIN_TOKEN, whatever the request sends, naming the fix', async () => {
    for (const HOST of ['0.0.0.0', '::', '192.168.1.5', 'dash.example.com']) {
      const refused = requireAdmin(new Request('http://x/', { headers: { authorization: 'Bearer anything-at-all-000' } }), { HOST, ADMIN_TOKEN: undefined });
      expect(refused?.status, HOST).toBe(403);
      const { error } = (await refused?.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('admin_token_required');
      expect(error.message).toContain(`HOST=${HOST}`);
      expect(error.message).toMatch(/set ADMIN_TOKEN/);
    }
    for (const HOST of ['127.0.0.1', '127.1.2.3', 'localhost', '::1']) expect(requireAdmin(new Request('http://x/'), { HOST, ADMIN_TOKEN: undefined }), HOST).toBeUndefined();
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
    expect([l.take('a', t), l.take('a', t), l.take('a', t)]).toEqual([0, 0, 1]);
    expect(l.take('a', t + 1500)).toBe(0);
  });
  it('keeps one bucket per client: one draining its own does not lock out another', () => {
    const l = createRateLimiter(3, 0.01);
    const t = 1_000_000;
    for (let i = 0; i < 50; i++) l.take('10.0.0.66', t + i);
    expect(l.take('10.0.0.66', t + 60)).toBeGreaterThan(0);
    expect([l.take('127.0.0.1', t + 61), l.take('127.0.0.1', t + 62), l.take('127.0.0.1', t + 63)]).toEqual([0, 0, 0]);
    expect(l.take('127.0.0.1', t + 64)).toBeGreaterThan(0);
  });
  it('stays bounded: at most maxClients buckets, least recently used evicted, refilled ones dropped', () => {
    const l = createRateLimiter(2, 1, 100);
    const t = 5_000_000;
    l.take('admin', t);
    l.take('admin', t);
    for (let i = 0; i < 1000; i++) l.take(`attacker-${i}`, t + 1);
    expect(l.size()).toBeLessThanOrEqual(100);
    // Recently used buckets are kept: the last attacker is still drained to 1 token.
    expect(l.take('attacker-999', t + 1)).toBe(0);
    expect(l.take('attacker-999', t + 1)).toBeGreaterThan(0);
    // After a full refill (2 s here) the idle buckets carry nothing and go at the next sweep.
    l.take('late', t + 10_000);
    expect(l.size()).toBe(1);
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
