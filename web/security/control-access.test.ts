import { describe, expect, it } from 'vitest';
import { controlAccess, controlRefusedMessage } from './control-access';

describe('controlAccess', () => {
  it('needs the token whenever ADMIN_TOKEN is set, on any HOST', () => {
    expect(controlAccess('127.0.0.1', 'x'.repeat(16))).toBe('token');
    expect(controlAccess('0.0.0.0', 'x'.repeat(16))).toBe('token');
  });
  it('without ADMIN_TOKEN: open on loopback, refused on anything else', () => {
    expect(controlAccess('127.0.0.1', undefined)).toBe('open');
    expect(controlAccess('::1', undefined)).toBe('open');
    expect(controlAccess('0.0.0.0', undefined)).toBe('refused');
    expect(controlAccess('10.1.2.3', undefined)).toBe('refused');
  });
  it('the refusal names HOST, ADMIN_TOKEN and how to set it', () => {
    const m = controlRefusedMessage('0.0.0.0');
    expect(m).toContain('HOST=0.0.0.0');
    expect(m).toMatch(/set ADMIN_TOKEN to a secret of 16\+ characters/);
    expect(m).toContain('Authorization: Bearer <ADMIN_TOKEN>');
  });
});
