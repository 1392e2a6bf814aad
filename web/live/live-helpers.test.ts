import { describe, expect, it, vi } from 'vitest';
import type { SimulatorControl, SimulatorStatus } from '@/lib/contracts/simulator-control';
import { createCoalescer } from './coalescer';
import { parseNotice } from './commit-listener';
import { toRecentEvent } from './event-relay';
import { createRecentEvents } from './recent-events';
import { createSimulationController } from './simulation-controller';
import { roomSchema } from '@/lib/contracts/socket-events';
import { handshakeRefusal } from '@/web/security/handshake';
import { allowedHosts } from '@/web/security/host-allow-list';
import type { RecentEvent } from '@/lib/contracts/dashboard';

const event = (userId: string, offset: number): RecentEvent => ({ userId, eventType: 'click', timestamp: new Date().toISOString(), sessionDuration: 1, page: null, productId: null, partition: 0, offset: String(offset) });

describe('recent events', () => {
  it('keeps the newest events per user and evicts the least recently seen user', () => {
    const r = createRecentEvents(3, 2);
    for (let i = 0; i < 5; i++) r.add(event('a', i));
    expect(r.of('a').map((e) => e.offset)).toEqual(['4', '3', '2']);
    r.add(event('b', 9));
    r.add(event('a', 10));
    r.add(event('c', 11));
    expect(r.users).toBe(2);
    expect(r.of('b')).toEqual([]);
    expect(r.of('a')[0]?.offset).toBe('10');
  });
});

describe('coalescer', () => {
  it('flushes at once after quiet, then at most once per interval', async () => {
    vi.useFakeTimers();
    try {
      let flushes = 0;
      const c = createCoalescer(
        () => {
          flushes++;
          return Promise.resolve();
        },
        500,
        () => undefined,
      );
      c.request();
      await vi.advanceTimersByTimeAsync(1);
      expect(flushes).toBe(1);
      for (let i = 0; i < 10; i++) c.request();
      await vi.advanceTimersByTimeAsync(100);
      expect(flushes).toBe(1);
      await vi.advanceTimersByTimeAsync(450);
      expect(flushes).toBe(2);
      await vi.advanceTimersByTimeAsync(2000);
      expect(flushes).toBe(2);
      c.close();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('commit notices, rooms, origins and relayed events', () => {
  it('accepts only notices matching the schema', () => {
    const ok = { at: 'x', groupId: 'g', topic: 't', partitions: [0], events: 1, invalid: 0, late: 0, users: ['u'], usersTruncated: false, days: [], minutes: [] };
    expect(parseNotice(JSON.stringify(ok))).toEqual(ok);
    expect(parseNotice('{')).toBeUndefined();
    expect(parseNotice(JSON.stringify({ ...ok, events: 'many' }))).toBeUndefined();
  });
  it('validates rooms', () => {
    expect(roomSchema.safeParse('overview').success).toBe(true);
    expect(roomSchema.safeParse('user:user-00001').success).toBe(true);
    expect(roomSchema.safeParse('user:<script>').success).toBe(false);
    expect(roomSchema.safeParse('admin').success).toBe(false);
  });
  it('refuses websocket connections from other origins', () => {
    const hosts = allowedHosts('127.0.0.1', 3000, undefined);
    expect(handshakeRefusal('http://localhost:3000', 'localhost:3000', hosts)).toBeUndefined();
    expect(handshakeRefusal(undefined, 'localhost:3000', hosts)).toBeUndefined();
    expect(handshakeRefusal('http://evil.example', 'localhost:3000', hosts)).toMatch(/^origin: /);
  });
  it('relays only valid events', () => {
    const good = Buffer.from(JSON.stringify({ eventType: 'pageView', userId: 'u1', timestamp: new Date().toISOString(), sessionDuration: 5, page: '/' }));
    expect(toRecentEvent(good, 2, '7', Date.now(), 300_000)).toMatchObject({ userId: 'u1', eventType: 'pageView', page: '/', partition: 2, offset: '7' });
    expect(toRecentEvent(Buffer.from('nope'), 0, '1', Date.now(), 300_000)).toBeUndefined();
    expect(toRecentEvent(null, 0, '1', Date.now(), 300_000)).toBeUndefined();
  });
});

describe('simulation controller', () => {
  function fakeSimulator() {
    const s: SimulatorStatus = { running: false, rate: 20, users: 500, seed: null, sent: 0, failed: 0, errors: 0, lastError: null, startedAt: null, achievedRate: 0 };
    const calls: string[] = [];
    const sim: SimulatorControl = {
      async start(o) {
        calls.push('start');
        await new Promise((r) => setTimeout(r, 5));
        Object.assign(s, { running: true, rate: o?.rate ?? s.rate, users: o?.users ?? s.users });
        return { ...s };
      },
      stop() {
        calls.push('stop');
        s.running = false;
        return Promise.resolve({ ...s });
      },
      setRate(rate) {
        calls.push('setRate');
        s.rate = rate;
        return { ...s };
      },
      status: () => ({ ...s }),
    };
    return { sim, calls };
  }
  it('makes double clicks harmless and changes only what changed', async () => {
    const { sim, calls } = fakeSimulator();
    const c = createSimulationController(sim, { rate: 20, users: 500 });
    const [a, b] = await Promise.all([c.start({ rate: 40, users: 5 }), c.start({ rate: 40, users: 5 })]);
    expect(a.running && b.running).toBe(true);
    expect(calls).toEqual(['start']);
    await c.start({ rate: 80 });
    expect(calls).toEqual(['start', 'setRate']);
    await c.start({ users: 6 });
    expect(calls).toEqual(['start', 'setRate', 'stop', 'start']);
    await Promise.all([c.stop(), c.stop()]);
    expect(calls.filter((x) => x === 'stop')).toHaveLength(2);
    expect(c.status().running).toBe(false);
  });
});
