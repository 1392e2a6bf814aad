import { describe, expect, it } from 'vitest';
import { allowedHosts, formatHosts, hostAllowed, hostName, hostRefusedMessage, parseHost } from './host-allow-list';

describe('parseHost', () => {
  it('splits name and port, IPv6 in brackets, lower case, without a trailing dot', () => {
    expect(parseHost('Example.COM:3000')).toEqual({ name: 'example.com', port: 3000 });
    expect(parseHost('example.com.')).toEqual({ name: 'example.com', port: undefined });
    expect(parseHost('[::1]:3000')).toEqual({ name: '[::1]', port: 3000 });
  });
  it.each(['', ':3000', 'a b', 'a:b', 'a:99999', 'a:1:2', '::1', 'user@host', 'a/b'])('refuses %j', (v) => expect(parseHost(v)).toBeUndefined());
});

describe('allowedHosts and hostAllowed', () => {
  it('by default: HOST and localhost, 127.0.0.1, [::1], on PORT only', () => {
    const list = allowedHosts('127.0.0.1', 3000, undefined);
    expect(formatHosts(list)).toBe('127.0.0.1:3000,localhost:3000,127.0.0.1:3000,[::1]:3000');
    for (const h of ['127.0.0.1:3000', 'localhost:3000', 'LOCALHOST:3000', '[::1]:3000']) expect(hostAllowed(h, list), h).toBe(true);
    for (const h of ['127.0.0.1:3001', 'localhost', 'evil.example:3000', '10.0.0.5:3000', '', 'localhost:3000:1']) expect(hostAllowed(h, list), h).toBe(false);
    expect(hostAllowed(undefined, list)).toBe(false);
  });
  it('closes DNS rebinding: evil.example is not allowed on a wildcard HOST', () => {
    const list = allowedHosts('0.0.0.0', 3000, undefined);
    expect(hostAllowed('evil.example:3000', list)).toBe(false);
    expect(hostAllowed('0.0.0.0:3000', list)).toBe(true);
    expect(formatHosts(allowedHosts('::', 3000, undefined))).toMatch(/^\[::\]:3000,/);
    expect(hostName('::')).toBe('[::]');
  });
  it('ALLOWED_HOSTS replaces HOST; loopback names stay; an entry without a port allows any port', () => {
    const list = allowedHosts('0.0.0.0', 3000, ['dash.example.com', '10.0.0.5:8080']);
    expect(hostAllowed('dash.example.com', list)).toBe(true);
    expect(hostAllowed('dash.example.com:443', list)).toBe(true);
    expect(hostAllowed('10.0.0.5:8080', list)).toBe(true);
    expect(hostAllowed('10.0.0.5:3000', list)).toBe(false);
    expect(hostAllowed('0.0.0.0:3000', list)).toBe(false);
    expect(hostAllowed('localhost:3000', list)).toBe(true);
    expect(hostAllowed('sub.dash.example.com', list)).toBe(false);
  });
  it('a header without a port matches an entry on 80 or 443 (browsers leave those out)', () => {
    expect(hostAllowed('dash.example.com', allowedHosts('0.0.0.0', 443, ['dash.example.com:443']))).toBe(true);
    expect(hostAllowed('dash.example.com', allowedHosts('0.0.0.0', 3000, ['dash.example.com:3000']))).toBe(false);
  });
  it('the refusal names the host (cut short) and ALLOWED_HOSTS', () => {
    expect(hostRefusedMessage('evil.example:3000')).toMatch(/^host: "evil\.example:3000" .*ALLOWED_HOSTS/);
    expect(hostRefusedMessage('x'.repeat(500)).length).toBeLessThan(300);
    expect(hostRefusedMessage(undefined)).toContain('missing Host header');
  });
});
