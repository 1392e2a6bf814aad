import { describe, expect, it } from 'vitest';
import { fingerprintOf } from './batch-positions';
import { CLUSTER, event, events, fakeBatch, handlerWithFakes, record, SETTINGS, T0, TOPIC } from './test-doubles';

/** The offset ranges the commits with events covered, as [from, to). */
const ranges = (h: ReturnType<typeof handlerWithFakes>) => h.sink.eventCommits().map((c) => [c.expectedNextOffset, c.nextOffset]);
const countedTotal = (h: ReturnType<typeof handlerWithFakes>) => h.sink.eventCommits().reduce((n, c) => n + c.counted, 0);

describe('batch handler: position bookkeeping', () => {
  it('skips records below the stored position (counted before) and counts from it', async () => {
    const h = handlerWithFakes();
    h.sink.store(0, { nextOffset: 5n, watermarkMs: null, clusterId: CLUSTER, lastRecord: null });
    const b = fakeBatch(events(0, 10));
    await h.handler.handleBatch(b.payload);
    expect(ranges(h)).toEqual([[5n, 10n]]);
    expect(countedTotal(h)).toBe(5);
    expect(b.resolved).toEqual(['9']);
    expect(h.sink.row(0)?.processed).toBe(5);
  });

  it('reads the last counted record again, skips it, and counts what follows', async () => {
    const h = handlerWithFakes();
    const msgs = events(4, 10);
    h.sink.store(0, { nextOffset: 5n, watermarkMs: null, clusterId: CLUSTER, lastRecord: fingerprintOf(msgs[0] as (typeof msgs)[0]) });
    const b = fakeBatch(msgs);
    await h.handler.handleBatch(b.payload);
    expect(ranges(h)).toEqual([[5n, 10n]]);
    expect(b.resolved).toEqual(['9']);
  });

  it('resolves a batch whose every record is below the position without committing', async () => {
    const h = handlerWithFakes();
    h.sink.store(0, { nextOffset: 5n, watermarkMs: null, clusterId: CLUSTER, lastRecord: null });
    const b = fakeBatch(events(0, 5));
    await h.handler.handleBatch(b.payload);
    expect(h.sink.commits).toEqual([]);
    expect(b.resolved).toEqual(['4']);
  });

  it('seeks back when the consumer read past the stored position, and counts the batch read after the seek once', async () => {
    const h = handlerWithFakes();
    const all = events(0, 10);
    h.sink.store(0, { nextOffset: 5n, watermarkMs: null, clusterId: CLUSTER, lastRecord: fingerprintOf(all[4] as (typeof all)[4]) });
    // Kafka's committed offset for the group ran ahead: the first fetch starts at 8.
    const ahead = fakeBatch(all.slice(8), { highWatermark: 10n });
    await h.handler.handleBatch(ahead.payload);
    expect(h.seeks).toEqual([{ partition: 0, offset: 4n }]); // the last counted record, to compare it again
    expect(h.sink.commits).toEqual([]);
    expect(ahead.resolved).toEqual([]);

    const after = fakeBatch(all.slice(4), { highWatermark: 10n });
    await h.handler.handleBatch(after.payload);
    expect(ranges(h)).toEqual([[5n, 10n]]);
    expect(countedTotal(h)).toBe(5);
    expect(after.resolved).toEqual(['9']);
    expect(h.seeks).toHaveLength(1);
  });

  it('stops without counting when the commit is fenced (another owner moved the position), then goes on from where that owner got to', async () => {
    const h = handlerWithFakes({ chunkSize: 4 });
    const all = events(0, 10);
    h.sink.store(0, { nextOffset: 0n, watermarkMs: null, clusterId: CLUSTER, lastRecord: null });
    // Another worker commits offsets 0-5 between our loading the position and our commit.
    h.sink.beforeCommit = () => {
      h.sink.beforeCommit = undefined;
      h.sink.store(0, { nextOffset: 6n, watermarkMs: null, clusterId: CLUSTER, lastRecord: fingerprintOf(all[5] as (typeof all)[5]) });
    };
    const first = fakeBatch(all);
    await h.handler.handleBatch(first.payload);
    expect(h.sink.fenced).toBe(1);
    expect(h.sink.commits).toEqual([]); // and no further chunk was tried
    expect(first.resolved).toEqual([]);
    expect(first.calls.heartbeats).toBe(0);
    expect(h.notices).toEqual([]);
    expect(await h.counted()).toEqual({});

    // kafkajs hands the same messages again (none were resolved): the position is reloaded.
    const again = fakeBatch(all);
    await h.handler.handleBatch(again.payload);
    expect(ranges(h)).toEqual([[6n, 10n]]);
    expect(again.resolved).toEqual(['9']);
    expect(await h.counted()).toEqual({ counted: 4, invalid: 0, late: 0 });
  });

  it('refuses a partition whose last counted record is not the one there now, and counts nothing more of it', async () => {
    const h = handlerWithFakes();
    h.sink.store(0, { nextOffset: 5n, watermarkMs: null, clusterId: CLUSTER, lastRecord: { timestampMs: 1, crc: 2 } });
    const b = fakeBatch(events(4, 10));
    await h.handler.handleBatch(b.payload);
    expect(h.paused).toEqual([0]);
    expect(h.sink.row(0)?.blockedReason).toMatch(/the record at offset 4 is not the one counted there/);
    await h.handler.handleBatch(fakeBatch(events(4, 10)).payload);
    expect(h.sink.commits).toEqual([]);
    expect(b.resolved).toEqual([]);
  });
});

describe('batch handler: chunks', () => {
  it('commits a large batch in chunks, each fenced on the offset the previous one stored', async () => {
    const h = handlerWithFakes({ chunkSize: 4 });
    const b = fakeBatch(events(0, 10));
    await h.handler.handleBatch(b.payload);
    // The partition's first row (no events), then three chunks.
    expect(h.sink.commits[0]).toMatchObject({ expectedNextOffset: null, nextOffset: 0n, counted: 0, notice: null });
    expect(ranges(h)).toEqual([
      [0n, 4n],
      [4n, 8n],
      [8n, 10n],
    ]);
    expect(h.sink.eventCommits().map((c) => c.counted)).toEqual([4, 4, 2]);
    expect(b.resolved).toEqual(['3', '7', '9']);
    expect(b.calls.heartbeats).toBe(3);
    expect(h.notices.map((n) => n.events)).toEqual([4, 4, 2]);
    expect(h.sink.row(0)).toMatchObject({ nextOffset: 10n, processed: 10, lastRecord: fingerprintOf(event(9)) });
    expect((await h.metrics.lag.get()).values).toEqual([{ labels: { partition: '0' }, value: 0 }]);
  });

  it('stops between chunks once the batch is stale, leaving the rest unresolved', async () => {
    const h = handlerWithFakes({ chunkSize: 4 });
    const b = fakeBatch(events(0, 10), { isStale: () => b.resolved.length > 0 });
    await h.handler.handleBatch(b.payload);
    expect(ranges(h)).toEqual([[0n, 4n]]);
    expect(b.resolved).toEqual(['3']);
  });

  it('stops between chunks once the consumer is stopping', async () => {
    const h = handlerWithFakes({ chunkSize: 4 });
    const b = fakeBatch(events(0, 10), { isRunning: () => b.resolved.length < 2 });
    await h.handler.handleBatch(b.payload);
    expect(ranges(h)).toEqual([
      [0n, 4n],
      [4n, 8n],
    ]);
  });

  it('splits a chunk the database refuses for its data, dead-letters the refused event once, and moves on', async () => {
    const h = handlerWithFakes();
    const msgs = [event(0, 0, 'u0'), event(1, 1, 'bad'), event(2, 2, 'u2'), event(3, 3, 'u3'), record(4, 'not json', T0 + 4000)];
    h.sink.beforeCommit = (c) => {
      if (c.notice?.users.includes('bad')) throw Object.assign(new Error('numeric field overflow'), { code: '22003' });
    };
    const b = fakeBatch(msgs);
    await h.handler.handleBatch(b.payload);
    expect(ranges(h)).toEqual([
      [0n, 1n],
      [1n, 2n],
      [2n, 3n],
      [3n, 5n],
    ]);
    expect(h.sink.row(0)).toMatchObject({ nextOffset: 5n, processed: 3, invalid: 2, late: 0 });
    const dlq = h.side.sent.filter((s) => s.topic === SETTINGS.dlqTopic);
    // The first attempt's dead letter (offset 4), then the refused event alone, with the database's reason.
    expect(dlq.map((s) => s.messages.map((m) => m.headers?.['x-source-offset']))).toEqual([['4'], ['1']]);
    expect(dlq[1]?.messages[0]?.headers?.['x-reason']).toBe('database: refused the event (SQLSTATE 22003: numeric field overflow)');
    expect(b.resolved).toEqual(['4']);
  });
});

describe('batch handler: outcomes', () => {
  it('routes each message to its outcome: counted in the commit, late and dead letters to their topics', async () => {
    const h = handlerWithFakes();
    const msgs = [
      event(0, 0, 'a'),
      record(1, '{"not":"an event"', T0 + 1000),
      event(2, 20 * 60, 'b'), // moves the watermark 20 minutes on
      event(3, 0, 'c'), // its window closed more than the allowed lateness before that watermark
      record(4, JSON.stringify({ timestamp: new Date(T0).toISOString(), eventType: 'pageView', sessionDuration: 1 }), T0),
    ];
    const b = fakeBatch(msgs);
    await h.handler.handleBatch(b.payload);

    expect(h.side.sent.map((s) => s.topic)).toEqual([SETTINGS.dlqTopic, SETTINGS.lateTopic]);
    expect(h.side.offsetsSentTo(SETTINGS.dlqTopic)).toEqual(['1', '4']);
    expect(h.side.offsetsSentTo(SETTINGS.lateTopic)).toEqual(['3']);
    const [dead1, dead4] = h.side.sent[0]?.messages ?? [];
    expect(dead1?.headers).toMatchObject({ 'x-source-topic': TOPIC, 'x-source-partition': '0', 'x-source-offset': '1', 'x-source-timestamp': String(T0 + 1000) });
    expect(dead1?.headers?.['x-reason']).toMatch(/^message: is not valid JSON/);
    expect(dead4?.headers?.['x-reason']).toBe('userId: is required');
    expect(dead1?.value).toEqual(msgs[1]?.value);
    const late = h.side.sent[1]?.messages[0];
    expect(late?.headers?.['x-reason']).toMatch(/^late: /);
    expect(late?.headers?.['x-watermark']).toBe(new Date(T0 + 20 * 60_000 - SETTINGS.outOfOrdernessMs).toISOString());
    expect(late?.key).toEqual(Buffer.from('c'));

    expect(h.sink.eventCommits()).toHaveLength(1);
    expect(h.sink.eventCommits()[0]).toMatchObject({ counted: 2, invalid: 2, late: 1, watermarkMs: T0 + 20 * 60_000 - 5_000 });
    expect(h.notices).toEqual([
      {
        at: new Date(T0).toISOString(),
        groupId: SETTINGS.groupId,
        topic: TOPIC,
        partitions: [0],
        events: 2,
        invalid: 2,
        late: 1,
        users: ['a', 'b'],
        usersTruncated: false,
        days: ['2026-01-01'],
        minutes: [new Date(T0).toISOString(), new Date(T0 + 20 * 60_000).toISOString()],
        minutesTruncated: false,
      },
    ]);
    expect(await h.counted()).toEqual({ counted: 2, invalid: 2, late: 1 });
  });

  it('sends nothing to the side topics when every message is counted', async () => {
    const h = handlerWithFakes();
    await h.handler.handleBatch(fakeBatch(events(0, 3)).payload);
    expect(h.side.sent).toEqual([]);
  });
});
