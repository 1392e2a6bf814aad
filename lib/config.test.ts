import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config';

describe('parseConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const cfg = parseConfig({});
    expect(cfg.HOST).toBe('127.0.0.1');
    expect(cfg.PORT).toBe(3000);
    expect(cfg.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/clickstream');
    expect(cfg.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(cfg.TOPIC_EVENTS).toBe('clickstream.events');
    expect(cfg.EVENTS_PARTITIONS).toBe(6);
    expect(cfg.OUT_OF_ORDERNESS_MS).toBe(5000);
    expect(cfg.ALLOWED_LATENESS_MS).toBe(600_000);
  });

  it('parses a broker list and numbers', () => {
    const cfg = parseConfig({ KAFKA_BROKERS: 'a:1, b:2', PORT: '8080' });
    expect(cfg.KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
    expect(cfg.PORT).toBe(8080);
  });

  it('takes WORKER_CHUNK_SIZE, 40,000 messages per transaction by default, from 1 to 1,000,000', () => {
    expect(parseConfig({}).WORKER_CHUNK_SIZE).toBe(40_000);
    expect(parseConfig({ WORKER_CHUNK_SIZE: '200' }).WORKER_CHUNK_SIZE).toBe(200);
    expect(() => parseConfig({ WORKER_CHUNK_SIZE: '0' })).toThrow(/WORKER_CHUNK_SIZE="0": must be at least 1/);
    expect(() => parseConfig({ WORKER_CHUNK_SIZE: '1000001' })).toThrow(/WORKER_CHUNK_SIZE="1000001": must be at most 1000000/);
  });

  it('takes LIVE_PUSH_INTERVAL_MS, 250 ms by default, from 50 ms to a minute', () => {
    expect(parseConfig({}).LIVE_PUSH_INTERVAL_MS).toBe(250);
    expect(parseConfig({ LIVE_PUSH_INTERVAL_MS: '1000' }).LIVE_PUSH_INTERVAL_MS).toBe(1000);
    expect(() => parseConfig({ LIVE_PUSH_INTERVAL_MS: '10' })).toThrow(/LIVE_PUSH_INTERVAL_MS="10": must be at least 50/);
    expect(() => parseConfig({ LIVE_PUSH_INTERVAL_MS: '60001' })).toThrow(/LIVE_PUSH_INTERVAL_MS="60001": must be at most 60000/);
  });

  it('treats an empty value as unset', () => {
    expect(parseConfig({ PORT: '' }).PORT).toBe(3000);
  });

  it.each([
    ['PORT', 'eighty', /PORT="eighty": must be a number/],
    ['PORT', '70000', /PORT="70000": must be at most 65535/],
    ['WINDOW_SIZE_MS', '7000', /WINDOW_SIZE_MS="7000": must divide a day evenly/],
    ['KAFKA_BROKERS', 'localhost', /KAFKA_BROKERS="localhost": each broker must look like host:port/],
    ['DATABASE_URL', 'mysql://x/y', /DATABASE_URL="<hidden>": must be a postgresql:\/\/ URL/],
    ['TOPIC_EVENTS', 'bad topic', /TOPIC_EVENTS/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL/],
  ])('rejects %s=%s with one line naming it', (name, value, message) => {
    let error: unknown;
    try {
      parseConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('never prints the admin token', () => {
    expect(() => parseConfig({ ADMIN_TOKEN: 'short' })).toThrow(/ADMIN_TOKEN="<hidden>"/);
  });
});
