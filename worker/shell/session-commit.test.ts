/**
 * Sessions through the shell, on the fakes: committed with the chunk's aggregates and position,
 * never advanced by a commit that did not go through (fenced, retried, split), rebuilt from what is
 * stored on assignment, refused (never emptied) when built with other settings, and closed as they
 * stand when a partition starts afresh. The expected rows are written out by hand.
 */
import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { closeSessionsCommand, isSessionsRefusal, refusalFix } from '@/lib/contracts/position-reset';
import { CLUSTER, fakeBatch, FakeSink, handlerWithFakes, record, T0, type UserSessionRow } from './test-doubles';

const MIN = 60;
const at = (seconds: number) => T0 + seconds * 1000;

/** A valid event at `offset`, `seconds` after T0 (its Kafka timestamp too), keyed by user; a product where the type needs one. */
function event(offset: number, seconds: number, userId: string, eventType = 'pageView'): KafkaMessage {
  const productId = ['addToCart', 'purchase', 'removeFromCart'].includes(eventType) ? 'p-1' : undefined;
  return record(offset, JSON.stringify({ timestamp: new Date(at(seconds)).toISOString(), userId, eventType, sessionDuration: 10, productId }), at(seconds), userId);
}

/** A user_session row as the test expects it (the metrics the table stores, with where the events are). */
function row(userId: string, startS: number, endS: number, o: Partial<UserSessionRow> & Pick<UserSessionRow, 'eventCount' | 'minSeq' | 'maxSeq' | 'final'>): UserSessionRow {
  return {
    userId,
    startMs: at(startS),
    endMs: at(endS),
    day: '2026-01-01',
    durationSeconds: endS - startS,
    pageViews: 0,
    clickedPageViews: 0,
    bounce: o.eventCount === 1,
    funnelStep: 0,
    converted: false,
    partition: 0,
    ...o,
  };
}

/**
 * Offsets 0-5. u1: a page view and a click (a session), then 40 minutes later a page view and a
 * purchase (another). u2: a page view, then 41 minutes later an add-to-cart. With the default
 * settings (gap 30 min, lateness 10 min, 1-minute windows, 5 s out of order) the watermark after
 * offset 5 is 41:55, so the cut is 31:00 and the two first sessions (ending 00:10 and 00:20, +30
 * min) are final; after offset 3 alone (watermark 39:55, cut 29:00) they were not yet.
 */
const stream = (): KafkaMessage[] => [
  event(0, 0, 'u1', 'pageView'),
  event(1, 10, 'u1', 'click'),
  event(2, 20, 'u2', 'pageView'),
  event(3, 40 * MIN, 'u1', 'pageView'),
  event(4, 41 * MIN, 'u2', 'addToCart'),
  event(5, 42 * MIN, 'u1', 'purchase'),
];
const expected = (): UserSessionRow[] => [
  row('u1', 0, 10, { eventCount: 2, pageViews: 1, clickedPageViews: 1, funnelStep: 1, minSeq: 0, maxSeq: 1, final: true }),
  row('u1', 40 * MIN, 42 * MIN, { eventCount: 2, pageViews: 1, funnelStep: 1, converted: true, minSeq: 3, maxSeq: 5, final: false }),
  row('u2', 20, 20, { eventCount: 1, pageViews: 1, funnelStep: 1, minSeq: 2, maxSeq: 2, final: true }),
  row('u2', 41 * MIN, 41 * MIN, { eventCount: 1, minSeq: 4, maxSeq: 4, final: false }),
];

describe('sessions in the shell: committed with the chunk', () => {
  it('writes each chunk\'s sessions in the commit that moves the position, and keeps session_state to the open ones', async () => {
    const h = handlerWithFakes({ chunkSize: 4 });
    await h.handler.handleBatch(fakeBatch(stream()).payload);
    expect(h.sink.sessions()).toEqual(expected());
    expect(h.sink.sessionStateUsers(0)).toEqual(['u1', 'u2']);

    // Every event commit carried its sessions: the first chunk's rows, the second's changes.
    const [first, second] = h.sink.eventCommits();
    expect(first?.sessions).toMatchObject({ kind: 'update', closed: [], removed: [] });
    expect(first?.sessions?.kind === 'update' && first.sessions.changed.map((r) => [r.userId, r.startMs, r.eventCount])).toEqual([
      ['u1', at(0), 2],
      ['u1', at(40 * MIN), 1],
      ['u2', at(20), 1],
    ]);
    // The second closed the two first sessions without changing them (marked final only).
    expect(second?.sessions).toMatchObject({ kind: 'update', closed: [{ userId: 'u1', startMs: at(0) }, { userId: 'u2', startMs: at(20) }] });
    expect(second?.sessions?.kind === 'update' && second.sessions.changed.map((r) => [r.userId, r.startMs])).toEqual([
      ['u1', at(40 * MIN)],
      ['u2', at(41 * MIN)],
    ]);
    expect(second).toMatchObject({ expectedNextOffset: 4n, nextOffset: 6n });
  });

  it('names in the commit notice the users whose sessions only closed, so their open pages show them final', async () => {
    const h = handlerWithFakes({ chunkSize: 4 });
    await h.handler.handleBatch(fakeBatch(stream()).payload);
    const [first, second] = h.sink.eventCommits();
    expect(first?.notice?.users).toEqual(['u1', 'u2']);
    // The second chunk's events are u2's and u1's (in that order); it also closed their first sessions.
    expect(second?.notice?.users).toEqual(['u2', 'u1']);
    // A chunk with only another user's event: the users whose sessions it closed are named too.
    await h.handler.handleBatch(fakeBatch([event(6, 120 * MIN, 'u3')]).payload);
    const third = h.sink.eventCommits().at(-1);
    expect(third?.sessions).toMatchObject({ closed: [{ userId: 'u1', startMs: at(40 * MIN) }, { userId: 'u2', startMs: at(41 * MIN) }] });
    expect(third?.notice?.users).toEqual(['u3', 'u1', 'u2']);
    expect(third?.notice?.days).toEqual(['2026-01-01']);
  });

  it('moves the sessions to the watermark also when a chunk counts nothing, so they freeze and close', async () => {
    const h = handlerWithFakes();
    await h.handler.handleBatch(fakeBatch([event(0, 0, 'u1')]).payload);
    expect(h.sink.sessions()).toEqual([row('u1', 0, 0, { eventCount: 1, pageViews: 1, funnelStep: 1, minSeq: 0, maxSeq: 0, final: false })]);
    // Two hours later: an invalid message and an event the database refuses (dead-lettered after
    // the split). Nothing is counted, but the refused event moves the watermark, and u1's session
    // closes in the commit of that single event.
    h.sink.beforeCommit = (c) => {
      if (c.notice?.users.includes('refused')) throw Object.assign(new Error('value too long'), { code: '22001' });
    };
    await h.handler.handleBatch(fakeBatch([record(1, 'not json', at(2 * 3600)), event(2, 2 * 3600, 'refused')]).payload);
    expect(h.sink.row(0)).toMatchObject({ nextOffset: 3n, processed: 1, invalid: 2 });
    expect(h.sink.sessions()).toEqual([row('u1', 0, 0, { eventCount: 1, pageViews: 1, funnelStep: 1, minSeq: 0, maxSeq: 0, final: true })]);
    expect(h.sink.sessionStateUsers(0)).toEqual([]);
  });
});

describe('sessions in the shell: only a successful commit advances them', () => {
  it('a fenced commit discards its sessions; the partition goes on from the state the other owner stored', async () => {
    const sink = new FakeSink();
    const a = handlerWithFakes({ sink });
    const b = handlerWithFakes({ sink });
    const all = stream();
    await a.handler.handleBatch(fakeBatch(all.slice(0, 3)).payload); // a counts 0-2

    // A rebalance: b owns the partition now and counts 3-4 (it loads a's position and sessions)...
    await b.handler.handleBatch(fakeBatch(all.slice(2, 5)).payload);
    expect(sink.row(0)?.nextOffset).toBe(5n);
    // ...while a, not yet told, tries 3-5 from its own position: fenced, nothing of it stored.
    const stale = fakeBatch(all.slice(3));
    await a.handler.handleBatch(stale.payload);
    expect(sink.fenced).toBe(1);
    expect(stale.resolved).toEqual([]);
    expect(sink.sessions()).toEqual([
      row('u1', 0, 10, { eventCount: 2, pageViews: 1, clickedPageViews: 1, funnelStep: 1, minSeq: 0, maxSeq: 1, final: false }),
      row('u1', 40 * MIN, 40 * MIN, { eventCount: 1, pageViews: 1, funnelStep: 1, minSeq: 3, maxSeq: 3, final: false }),
      row('u2', 20, 20, { eventCount: 1, pageViews: 1, funnelStep: 1, minSeq: 2, maxSeq: 2, final: false }),
      row('u2', 41 * MIN, 41 * MIN, { eventCount: 1, minSeq: 4, maxSeq: 4, final: false }),
    ]);

    // a gets the same messages again: it reloads b's position and sessions, skips 3-4, counts 5.
    await a.handler.handleBatch(fakeBatch(all.slice(3)).payload);
    expect(sink.row(0)).toMatchObject({ nextOffset: 6n, processed: 6 });
    expect(sink.sessions()).toEqual(expected());
  });

  it('a retried commit (a lost connection) is the same commit: sessions from the state before the chunk', async () => {
    const h = handlerWithFakes();
    const attempts: unknown[] = [];
    h.sink.beforeCommit = (c) => {
      if (c.notice === null) return;
      attempts.push(c.sessions);
      if (attempts.length === 1) throw new Error('Connection terminated unexpectedly');
    };
    await h.handler.handleBatch(fakeBatch(stream()).payload);
    expect(attempts).toHaveLength(2);
    expect(attempts[1]).toEqual(attempts[0]);
    expect(h.sink.sessions()).toEqual(expected());
  });

  it('a chunk split to find an event the database refuses: each half starts from the state the one before it committed', async () => {
    const h = handlerWithFakes();
    const msgs = [...stream().slice(0, 3), event(3, 30, 'bad'), ...stream().slice(3).map((m) => ({ ...m, offset: String(Number(m.offset) + 1) }))];
    h.sink.beforeCommit = (c) => {
      if (c.notice?.users.includes('bad')) throw Object.assign(new Error('numeric field overflow'), { code: '22003' });
    };
    await h.handler.handleBatch(fakeBatch(msgs).payload);
    expect(h.sink.row(0)).toMatchObject({ nextOffset: 7n, processed: 6, invalid: 1 });
    // The refused event is in no session; the others are each in one, with their offsets.
    const shifted = expected().map((r) => (r.minSeq >= 3 ? { ...r, minSeq: r.minSeq + 1, maxSeq: r.maxSeq + 1 } : r));
    expect(h.sink.sessions()).toEqual(shifted);
  });
});

describe('sessions in the shell: loaded with the position', () => {
  it('a new owner (a restart) rebuilds the open sessions from session_state: a session spanning it stays one row', async () => {
    const sink = new FakeSink();
    const first = handlerWithFakes({ sink });
    await first.handler.handleBatch(fakeBatch([event(0, 0, 'u1'), event(1, 60, 'u1', 'click')]).payload);
    const restarted = handlerWithFakes({ sink });
    // Kafka hands the last counted record again (it is compared), then the new ones.
    await restarted.handler.handleBatch(fakeBatch([event(1, 60, 'u1', 'click'), event(2, 120, 'u1', 'addToCart')]).payload);
    expect(sink.sessions()).toEqual([row('u1', 0, 120, { eventCount: 3, pageViews: 1, clickedPageViews: 1, funnelStep: 2, minSeq: 0, maxSeq: 2, final: false })]);
  });

  it('refuses a partition whose sessions were built with another gap, saying what changed and what resolves it; resumes once they are closed', async () => {
    const sink = new FakeSink();
    await handlerWithFakes({ sink }).handler.handleBatch(fakeBatch([event(0, 0, 'u1'), event(1, 60, 'u1')]).payload);
    const before = JSON.stringify([...sink.sessionState]);

    const h = handlerWithFakes({ sink, sessionGapMs: 600_000 });
    const b = fakeBatch([event(1, 60, 'u1'), event(2, 120, 'u1')]);
    await h.handler.handleBatch(b.payload);
    expect(h.paused).toEqual([0]);
    expect(b.resolved).toEqual([]);
    expect(sink.eventCommits()).toHaveLength(1); // only the first handler's
    const reason = h.positions.blocked()[0]?.reason ?? '';
    expect(reason).toBe('its open sessions (session_state) were built with other settings: SESSION_GAP_MS was 1800000 and is 600000 now');
    expect(isSessionsRefusal(reason)).toBe(true);
    expect(sink.row(0)?.blockedReason).toBe(reason);
    expect(refusalFix('events', 0, reason)).toContain(closeSessionsCommand('events', 0));
    expect(JSON.stringify([...sink.sessionState])).toBe(before); // nothing dropped

    // `npm run positions -- close-sessions` closes them as they stand; the next look resumes it.
    sink.closeAll(0);
    await h.positions.recheck();
    expect(h.positions.blocked()).toEqual([]);
    await h.handler.handleBatch(fakeBatch([event(1, 60, 'u1'), event(2, 120, 'u1')]).payload);
    expect(sink.sessions()).toEqual([
      row('u1', 0, 60, { eventCount: 2, pageViews: 2, funnelStep: 1, minSeq: 0, maxSeq: 1, final: true }),
      row('u1', 120, 120, { eventCount: 1, pageViews: 1, funnelStep: 1, minSeq: 2, maxSeq: 2, final: false }),
    ]);
  });

  it('refuses stored sessions the core cannot use (here: a frozen prefix after the stored watermark\'s cut)', async () => {
    const h = handlerWithFakes();
    h.sink.store(0, { nextOffset: 1n, watermarkMs: at(0), clusterId: CLUSTER, lastRecord: null });
    const prefix = { firstMs: at(0), lastMs: at(0), eventCount: 1, pageViews: 1, clickedPageViews: 0, pageViewAwaitingClick: true, funnelStep: 1, purchases: 0, minSeq: 0, maxSeq: 0 };
    h.sink.storeSessions(0, 'u1', { settings: { sessionGapMs: 1_800_000, allowedLatenessMs: 600_000, windowSizeMs: 60_000 }, sessions: [{ prefix, tail: [] }] });
    await h.handler.handleBatch(fakeBatch([event(1, 10, 'u1')]).payload);
    expect(h.paused).toEqual([0]);
    expect(h.positions.blocked()[0]?.reason).toMatch(/^its open sessions \(session_state\) do not fit SESSION_GAP_MS=1800000, ALLOWED_LATENESS_MS=600000, WINDOW_SIZE_MS=60000 and the stored watermark: invalid session state: user u1, session 0: prefix holds an event at or after the cut/);
    expect(h.sink.commits).toEqual([]);
  });

  it('an adopted topic (WORKER_ON_POSITION_MISMATCH=adopt) closes the open sessions as they stand and starts afresh', async () => {
    const sink = new FakeSink();
    await handlerWithFakes({ sink }).handler.handleBatch(fakeBatch([event(0, 0, 'u1'), event(1, 60, 'u1')]).payload);
    expect(sink.sessions().map((r) => r.final)).toEqual([false]);
    // The topic was re-created on another cluster; its first events are again at offsets 0-1.
    const h = handlerWithFakes({ sink, onMismatch: 'adopt', log: { clusterId: 'cluster-2' } });
    let moved = false;
    sink.beforeCommit = (c) => {
      if (c.notice !== null || moved) return;
      moved = true;
      // The adopting move itself: the old open session is closed by it, before any new event.
      expect(c.sessions).toEqual({ kind: 'close-all' });
    };
    await h.handler.handleBatch(fakeBatch([event(0, 300, 'u1')]).payload);
    expect(moved).toBe(true);
    expect(sink.sessionStateUsers(0)).toEqual(['u1']);
    expect(sink.sessions()).toEqual([
      row('u1', 0, 60, { eventCount: 2, pageViews: 2, funnelStep: 1, minSeq: 0, maxSeq: 1, final: true }),
      row('u1', 300, 300, { eventCount: 1, pageViews: 1, funnelStep: 1, minSeq: 0, maxSeq: 0, final: false }),
    ]);
  });
});
