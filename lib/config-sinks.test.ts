import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config';

describe('parseConfig: storage sinks and Redis', () => {
  it('defaults to PostgreSQL alone, the local Redis, two days of per-minute keys and the cs: prefix', () => {
    const cfg = parseConfig({});
    expect(cfg.SINKS).toEqual(['postgres']);
    expect(cfg.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(cfg.REDIS_MINUTE_TTL_SECONDS).toBe(172_800);
    expect(cfg.REDIS_KEY_PREFIX).toBe('cs:');
  });

  it('reads a sink list in any order and case, with spaces and repeats', () => {
    expect(parseConfig({ SINKS: 'postgres,redis' }).SINKS).toEqual(['postgres', 'redis']);
    expect(parseConfig({ SINKS: ' Redis , postgres,redis ' }).SINKS).toEqual(['redis', 'postgres']);
    expect(parseConfig({ SINKS: '' }).SINKS).toEqual(['postgres']);
  });

  it.each([
    ['SINKS', 'redis', /^invalid configuration: SINKS="redis": must include postgres/],
    ['SINKS', 'postgres,mongo', /^invalid configuration: SINKS="postgres,mongo": each sink must be one of postgres, redis/],
    ['SINKS', ',', /^invalid configuration: SINKS=",": needs at least one sink/],
    ['REDIS_URL', 'http://localhost:6379', /^invalid configuration: REDIS_URL="<hidden>": must be a redis:\/\/ or rediss:\/\/ URL/],
    ['REDIS_URL', 'localhost:6379', /^invalid configuration: REDIS_URL="<hidden>": must be a redis/],
    ['REDIS_MINUTE_TTL_SECONDS', '10', /^invalid configuration: REDIS_MINUTE_TTL_SECONDS="10": must be at least 60/],
    ['REDIS_KEY_PREFIX', 'has space', /^invalid configuration: REDIS_KEY_PREFIX="has space": must be 1-64 characters/],
  ])('refuses %s=%s with one line naming it', (name, value, message) => {
    expect(() => parseConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ [name]: value })).toThrow(message);
  });

  it('accepts a rediss:// URL with a password and database, and keeps it out of messages', () => {
    expect(parseConfig({ REDIS_URL: 'rediss://:secret@cache.internal:6380/2' }).REDIS_URL).toBe('rediss://:secret@cache.internal:6380/2');
  });
});
