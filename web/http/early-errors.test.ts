import { describe, expect, it } from 'vitest';
import { earlyAnswer } from './early-errors';

const errorOf = (a: ReturnType<typeof earlyAnswer>) => (a ? (JSON.parse(a.body) as { error: { code: string; field?: string } }).error : undefined);

describe('earlyAnswer', () => {
  it('hands ordinary requests to Next.js', () => {
    expect(earlyAnswer('GET', '/api/users?q=%25')).toBeUndefined();
    expect(earlyAnswer('POST', '/api/simulation')).toBeUndefined();
    expect(earlyAnswer('OPTIONS', '/api/users')).toBeUndefined();
    expect(earlyAnswer('PROPFIND', '/users')).toBeUndefined();
    expect(earlyAnswer('GET', '/users/%41')).toBeUndefined();
  });
  it('answers bad percent-encoding with a 400 naming the path (JSON under /api)', () => {
    const api = earlyAnswer('GET', '/api/users/%zz/daily');
    expect(api?.status).toBe(400);
    expect(errorOf(api)).toMatchObject({ code: 'invalid_parameter', field: 'path' });
    const page = earlyAnswer('GET', '/users/%E0%A4%A');
    expect(page?.status).toBe(400);
    expect(page?.headers['Content-Type']).toContain('text/plain');
  });
  it('answers methods no route handler can have with a JSON 405 and Allow', () => {
    const a = earlyAnswer('TRACE', '/api/health');
    expect(a?.status).toBe(405);
    expect(a?.headers.Allow).toContain('GET');
    expect(errorOf(a)).toMatchObject({ code: 'method_not_allowed', field: 'method' });
  });
  it('answers /api itself with a JSON 404', () => {
    expect(earlyAnswer('GET', '/api')?.status).toBe(404);
    expect(earlyAnswer('GET', '/api?x=1')?.status).toBe(404);
  });
  it('answers a session page with a malformed start with a 400 page naming it, and leaves the rest to Next.js', () => {
    for (const [start, message] of [
      ['yesterday', 'must be the session&#39;s start as epoch milliseconds'],
      ['12.5', 'as epoch milliseconds'],
      ['', 'as epoch milliseconds'],
      ['9999999999999999', 'must be an instant from'],
      ['%3Cscript%3E', '(got “&#60;script&#62;”)'],
    ]) {
      const a = earlyAnswer('GET', `/users/user-00001/sessions/${start}`);
      expect(a?.status, start).toBe(400);
      expect(a?.headers['Content-Type']).toContain('text/html');
      expect(a?.body).toContain('Bad session address');
      expect(a?.body).toContain(message);
      expect(a?.body).not.toContain('<script>');
      expect(a?.body).toContain('href="/users/user-00001"');
    }
    expect(earlyAnswer('GET', '/users/user-00001/sessions/1714564800000')).toBeUndefined();
    expect(earlyAnswer('GET', '/users/user-00001/sessions/1714564800000/')).toBeUndefined();
    // A bad user id is the user's 404, as on the user page.
    expect(earlyAnswer('GET', '/users/%3Cx%3E/sessions/yesterday')).toBeUndefined();
    expect(earlyAnswer('GET', '/users/user-00001/sessions/1/extra')).toBeUndefined();
  });
});
