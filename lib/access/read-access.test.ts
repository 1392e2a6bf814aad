import { describe, expect, it } from 'vitest';
import { READ_COOKIE, cookieValue, isReadToken, readAllowed } from './read-access';
import { bearerToken, tokenMatches } from './tokens';

const READ_TOKEN = 'read-token-0123456789';
const ADMIN_TOKEN = 'admin-token-0123456789';

describe('tokens', () => {
  it('compares in constant time and reads bearer tokens', () => {
    expect(tokenMatches(READ_TOKEN, READ_TOKEN)).toBe(true);
    expect(tokenMatches('read', READ_TOKEN)).toBe(false);
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer   abc  ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe('cookieValue', () => {
  it('finds one cookie among others, percent-decoded', () => {
    expect(cookieValue(`a=1; ${READ_COOKIE}=x%3By; b=2`, READ_COOKIE)).toBe('x;y');
    expect(cookieValue(`${READ_COOKIE}x=1`, READ_COOKIE)).toBeUndefined();
    expect(cookieValue(`${READ_COOKIE}=%zz`, READ_COOKIE)).toBeUndefined();
    expect(cookieValue(undefined, READ_COOKIE)).toBeUndefined();
  });
});

describe('readAllowed', () => {
  it('is open without READ_TOKEN, even when ADMIN_TOKEN is set', () => {
    expect(readAllowed({}, {})).toBe(true);
    expect(readAllowed({}, { ADMIN_TOKEN })).toBe(true);
  });
  it('with READ_TOKEN: needs it or ADMIN_TOKEN, as a bearer token, the cookie or a handshake token', () => {
    const t = { READ_TOKEN, ADMIN_TOKEN };
    expect(readAllowed({}, t)).toBe(false);
    expect(readAllowed({ authorization: 'Bearer wrong-token-000000' }, t)).toBe(false);
    expect(readAllowed({ cookie: `${READ_COOKIE}=wrong` }, t)).toBe(false);
    expect(readAllowed({ token: '' }, t)).toBe(false);
    expect(readAllowed({ token: 42 }, t)).toBe(false);
    expect(readAllowed({ authorization: `Bearer ${READ_TOKEN}` }, t)).toBe(true);
    expect(readAllowed({ authorization: `Bearer ${ADMIN_TOKEN}` }, t)).toBe(true);
    expect(readAllowed({ cookie: `theme=dark; ${READ_COOKIE}=${encodeURIComponent(READ_TOKEN)}` }, t)).toBe(true);
    expect(readAllowed({ token: READ_TOKEN }, t)).toBe(true);
    expect(readAllowed({ authorization: 'Bearer wrong', token: ADMIN_TOKEN }, t)).toBe(true);
  });
  it('ADMIN_TOKEN counts only when it is set', () => {
    expect(isReadToken(ADMIN_TOKEN, { READ_TOKEN })).toBe(false);
    expect(isReadToken(ADMIN_TOKEN, { READ_TOKEN, ADMIN_TOKEN })).toBe(true);
  });
});
