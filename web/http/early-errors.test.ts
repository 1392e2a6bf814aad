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
});
