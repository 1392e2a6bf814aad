import { describe, expect, it } from 'vitest';
import { handshakeRefusal } from './handshake';
import { allowedHosts } from './host-allow-list';

describe('handshakeRefusal (Socket.IO)', () => {
  const list = allowedHosts('0.0.0.0', 3000, ['dash.example.com']);
  it('accepts an allowed host with its own origin, or without an origin', () => {
    expect(handshakeRefusal('http://dash.example.com:3000', 'dash.example.com:3000', list)).toBeUndefined();
    expect(handshakeRefusal(undefined, 'localhost:3000', list)).toBeUndefined();
  });
  it('refuses DNS rebinding: origin and host agree, but the host is not allowed', () => {
    expect(handshakeRefusal('http://evil.example:3000', 'evil.example:3000', list)).toMatch(/ALLOWED_HOSTS/);
    expect(handshakeRefusal(undefined, 'evil.example:3000', list)).toMatch(/ALLOWED_HOSTS/);
    expect(handshakeRefusal(undefined, undefined, list)).toMatch(/ALLOWED_HOSTS/);
  });
  it('refuses another origin on an allowed host', () => {
    expect(handshakeRefusal('http://evil.example:3000', 'dash.example.com:3000', list)).toMatch(/^origin: /);
    expect(handshakeRefusal('null', 'localhost:3000', list)).toMatch(/^origin: /);
  });
});
