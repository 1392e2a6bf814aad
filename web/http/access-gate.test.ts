import { describe, expect, it } from 'vitest';
import { createAccessGate } from './access-gate';

const READ_TOKEN = 'read-token-0123456789';
const ADMIN_TOKEN = 'admin-token-0123456789';
const base = { HOST: '0.0.0.0', PORT: 3000, ALLOWED_HOSTS: ['dash.example.com'], READ_TOKEN: undefined, ADMIN_TOKEN: undefined };
const errorOf = (body: string) => (JSON.parse(body) as { error: { code: string; message: string; field?: string } }).error;

describe('access gate: Host allow-list', () => {
  const gate = createAccessGate(base);
  it('passes allowed hosts through to Next.js', () => {
    expect(gate('GET', '/', { host: 'dash.example.com' })).toBeUndefined();
    expect(gate('GET', '/api/users', { host: 'localhost:3000' })).toBeUndefined();
  });
  it('refuses DNS rebinding (another Host, even with a matching Origin) with a 421 naming ALLOWED_HOSTS', () => {
    for (const url of ['/', '/api/simulation', '/_next/static/x.js']) {
      const a = gate('POST', url, { host: 'evil.example:3000', origin: 'http://evil.example:3000' });
      expect(a?.status, url).toBe(421);
      expect(errorOf(a?.body ?? '')).toMatchObject({ code: 'host_not_allowed', field: 'host' });
      expect(errorOf(a?.body ?? '').message).toMatch(/^host: "evil\.example:3000" .*ALLOWED_HOSTS/);
    }
    expect(gate('GET', '/', {})?.status).toBe(421);
  });
});

describe('access gate: READ_TOKEN', () => {
  const gate = createAccessGate({ ...base, READ_TOKEN, ADMIN_TOKEN });
  const host = 'dash.example.com';
  it('is open without READ_TOKEN', () => {
    expect(createAccessGate({ ...base, ADMIN_TOKEN })('GET', '/api/users', { host })).toBeUndefined();
  });
  it('refuses pages (text) and the API (JSON) without a token, naming READ_TOKEN', () => {
    const page = gate('GET', '/users', { host });
    expect(page?.status).toBe(401);
    expect(page?.headers['Content-Type']).toMatch(/^text\/plain/);
    expect(page?.body).toMatch(/READ_TOKEN/);
    const api = gate('GET', '/api/health', { host, authorization: 'Bearer wrong-token-000000' });
    expect(api?.status).toBe(401);
    expect(errorOf(api?.body ?? '')).toMatchObject({ code: 'unauthorized', field: 'authorization' });
    expect(errorOf(api?.body ?? '').message).toMatch(/^authorization: READ_TOKEN is set/);
    expect(api?.body).not.toContain(READ_TOKEN);
  });
  it('lets a bearer READ_TOKEN or ADMIN_TOKEN, or the cookie, through', () => {
    expect(gate('GET', '/api/users', { host, authorization: `Bearer ${READ_TOKEN}` })).toBeUndefined();
    expect(gate('GET', '/api/users', { host, authorization: `Bearer ${ADMIN_TOKEN}` })).toBeUndefined();
    expect(gate('GET', '/', { host, cookie: `clickstream_read=${READ_TOKEN}` })).toBeUndefined();
  });
  it('a page visit with ?token= sets the cookie and redirects to the same address without it', () => {
    const a = gate('GET', `/users?day=2024-01-01&token=${READ_TOKEN}`, { host });
    expect(a?.status).toBe(303);
    expect(a?.headers.Location).toBe('/users?day=2024-01-01');
    expect(a?.headers['Set-Cookie']).toMatch(new RegExp(`^clickstream_read=${READ_TOKEN}; Path=/; Max-Age=\\d+; HttpOnly; SameSite=Lax$`));
    expect(gate('GET', '/?token=wrong-token-000000', { host })?.status).toBe(401);
    // Never a redirect to another site.
    expect(gate('GET', `//evil.example/?token=${READ_TOKEN}`, { host })?.headers.Location).toBe('/');
    expect(gate('GET', `/\\evil.example/?token=${READ_TOKEN}`, { host })?.headers.Location).toBe('/');
    // Not on the API: a token there is only a query parameter.
    expect(gate('GET', `/api/users?token=${READ_TOKEN}`, { host })?.status).toBe(401);
  });
  it('checks the Host before the token', () => {
    expect(gate('GET', '/', { host: 'evil.example:3000', authorization: `Bearer ${READ_TOKEN}` })?.status).toBe(421);
  });
});
