import { describe, expect, it } from 'vitest';
import { parseConfig } from './config';

const messageOf = (env: Record<string, string>): string => {
  try {
    parseConfig(env);
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};

describe('security settings', () => {
  it('READ_TOKEN and ALLOWED_HOSTS are unset by default', () => {
    const cfg = parseConfig({});
    expect(cfg.READ_TOKEN).toBeUndefined();
    expect(cfg.ALLOWED_HOSTS).toBeUndefined();
  });
  it('ALLOWED_HOSTS is a comma-separated list of host[:port], lower-cased', () => {
    expect(parseConfig({ ALLOWED_HOSTS: 'Dash.Example.com, 10.0.0.5:3000,[::1]:3000,' }).ALLOWED_HOSTS).toEqual(['dash.example.com', '10.0.0.5:3000', '[::1]:3000']);
  });
  it.each(['http://dash.example.com', 'dash example.com', 'a:b', '::1', ' , '])('refuses ALLOWED_HOSTS=%j with one line naming it', (v) => {
    expect(messageOf({ ALLOWED_HOSTS: v })).toMatch(/^invalid configuration: ALLOWED_HOSTS=.*(host|needs at least one)/);
  });
  it('READ_TOKEN needs 16+ characters and is never shown', () => {
    const m = messageOf({ READ_TOKEN: 'short-secret' });
    expect(m).toBe('invalid configuration: READ_TOKEN="<hidden>": must be at least 16 characters');
    expect(messageOf({ READ_TOKEN: 'has a space in it 1234' })).toMatch(/READ_TOKEN="<hidden>": must be printable ASCII/);
    expect(parseConfig({ READ_TOKEN: 'r'.repeat(16) }).READ_TOKEN).toBe('r'.repeat(16));
  });
});
