import fc from 'fast-check';
import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createSessionState, type SessionRow } from '@/worker/core/sessions';
import { routeChunk } from './route-chunk';
import { event, record, SETTINGS, T0 } from './test-doubles';

/** A chunk starting at this watermark, with no open sessions. */
const at = (watermarkMs: number | null) => ({ watermarkMs, sessions: createSessionState(watermarkMs) });
const kinds = (messages: KafkaMessage[], watermarkMs: number | null = null) => routeChunk(messages, at(watermarkMs), SETTINGS).outcomes.map((o) => `${o.message.offset}:${o.kind}`);

describe('routeChunk', () => {
  it('tags every message, in offset order: counted, late or dead-letter', () => {
    const msgs = [event(0, 0), record(1, 'nope', T0), event(2, 3600), event(3, 0), record(4, null, T0)];
    const r = routeChunk(msgs, at(null), SETTINGS);
    expect(r.outcomes.map((o) => `${o.message.offset}:${o.kind}`)).toEqual(['0:counted', '1:dead-letter', '2:counted', '3:late', '4:dead-letter']);
    expect(r).toMatchObject({ counted: 2, invalid: 2, late: 1, watermarkMs: T0 + 3600_000 - SETTINGS.outOfOrdernessMs });
    expect(r.outcomes[4]).toMatchObject({ reason: 'message: is empty' });
  });

  it('judges lateness against the watermark the chunk starts from', () => {
    expect(kinds([event(0, 0)], T0 + 3600_000)).toEqual(['0:late']);
    expect(kinds([event(0, 0)], T0)).toEqual(['0:counted']);
  });

  it('judges "too far in the future" against the record\'s Kafka timestamp, not the clock', () => {
    const at = T0 + 3600_000;
    const value = JSON.stringify({ timestamp: new Date(at).toISOString(), userId: 'u', eventType: 'login', sessionDuration: 0 });
    expect(kinds([record(0, value, T0)])).toEqual(['0:dead-letter']);
    expect(kinds([record(0, value, at)])).toEqual(['0:counted']);
    expect(kinds([record(0, value, -1)])).toEqual(['0:counted']); // no timestamp: not checked
  });

  it('dead-letters the events the database refused, yet moves the watermark with them', () => {
    const r = routeChunk([event(0, 600)], at(T0), SETTINGS, 'database: refused');
    expect(r.outcomes).toMatchObject([{ kind: 'dead-letter', reason: 'database: refused' }]);
    expect(r).toMatchObject({ counted: 0, invalid: 1, late: 0, watermarkMs: T0 + 600_000 - SETTINGS.outOfOrdernessMs });
    expect(r.aggregate.userDays.size).toBe(0);
  });

  it('adds the counted events to the sessions, with their offsets as seq, and moves the sessions to the watermark even when nothing counted', () => {
    const msgs = [event(10, 0, 'a'), record(11, 'nope', T0), event(12, 30, 'a', 'click'), event(13, 3600, 'b'), event(14, 0, 'a')];
    const r = routeChunk(msgs, at(null), SETTINGS);
    expect(r.outcomes.map((o) => o.kind)).toEqual(['counted', 'dead-letter', 'counted', 'counted', 'late']);
    expect(r.sessions.changed).toEqual([
      expect.objectContaining({ userId: 'a', startMs: T0, endMs: T0 + 30_000, eventCount: 2, pageViews: 1, clickedPageViews: 1, minSeq: 10, maxSeq: 12 }),
      expect.objectContaining({ userId: 'b', startMs: T0 + 3600_000, eventCount: 1, minSeq: 13, maxSeq: 13 }),
    ]);
    expect(r.sessions.state.watermarkMs).toBe(r.watermarkMs);
    // b's event moved the watermark an hour on: a's session (ended 10:00:30) is final already.
    expect(r.sessions.closed).toEqual([{ userId: 'a', startMs: T0 }]);
    // Nothing counted (an event the database refused moves the watermark all the same): nothing
    // added, but the sessions move to the new watermark and b's session closes.
    const later = routeChunk([event(16, 3 * 3600, 'c')], { watermarkMs: r.watermarkMs, sessions: r.sessions.state }, SETTINGS, 'database: refused');
    expect(later.counted).toBe(0);
    expect(later.sessions.changed).toEqual([]);
    expect(later.sessions.closed).toEqual([{ userId: 'b', startMs: T0 + 3600_000 }]);
    expect(later.sessions.state.users.size).toBe(0);
    // The state it started from is left as it was (a retry or a split starts from it again).
    expect([...r.sessions.state.users.keys()]).toEqual(['b']);
  });

  it('gives every message the same outcome however the stream is cut into chunks', () => {
    const message = fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: -1800, max: 1800 }).map((s) => ({ s })) },
      { weight: 1, arbitrary: fc.constant(null) },
    );
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 60 }), fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 10 }), (spec, cuts) => {
        const msgs = spec.map((m, i) => (m === null ? record(i, '{', T0) : event(i, m.s)));
        const whole = kinds(msgs);
        const chunked: string[] = [];
        let from = at(null);
        const table = new Map<string, SessionRow>();
        for (let i = 0, c = 0; i < msgs.length; c++) {
          const n = cuts[c % cuts.length] as number;
          const r = routeChunk(msgs.slice(i, i + n), from, SETTINGS);
          chunked.push(...r.outcomes.map((o) => `${o.message.offset}:${o.kind}`));
          for (const k of r.sessions.removed) table.delete(`${k.userId} ${k.startMs}`);
          for (const row of r.sessions.changed) table.set(`${row.userId} ${row.startMs}`, row);
          from = { watermarkMs: r.watermarkMs, sessions: r.sessions.state };
          i += n;
        }
        expect(chunked).toEqual(whole);
        // And the same sessions, offsets included.
        expect([...table.values()].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.startMs - b.startMs))).toEqual(routeChunk(msgs, at(null), SETTINGS).sessions.changed);
      }),
    );
  });
});
