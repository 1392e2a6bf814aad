import fc from 'fast-check';
import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { routeChunk } from './route-chunk';
import { event, record, SETTINGS, T0 } from './test-doubles';

const kinds = (messages: KafkaMessage[], watermarkMs: number | null = null) => routeChunk(messages, watermarkMs, SETTINGS).outcomes.map((o) => `${o.message.offset}:${o.kind}`);

describe('routeChunk', () => {
  it('tags every message, in offset order: counted, late or dead-letter', () => {
    const msgs = [event(0, 0), record(1, 'nope', T0), event(2, 3600), event(3, 0), record(4, null, T0)];
    const r = routeChunk(msgs, null, SETTINGS);
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
    const r = routeChunk([event(0, 600)], T0, SETTINGS, 'database: refused');
    expect(r.outcomes).toMatchObject([{ kind: 'dead-letter', reason: 'database: refused' }]);
    expect(r).toMatchObject({ counted: 0, invalid: 1, late: 0, watermarkMs: T0 + 600_000 - SETTINGS.outOfOrdernessMs });
    expect(r.aggregate.userDays.size).toBe(0);
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
        let watermark: number | null = null;
        for (let i = 0, c = 0; i < msgs.length; c++) {
          const n = cuts[c % cuts.length] as number;
          const r = routeChunk(msgs.slice(i, i + n), watermark, SETTINGS);
          chunked.push(...r.outcomes.map((o) => `${o.message.offset}:${o.kind}`));
          watermark = r.watermarkMs;
          i += n;
        }
        expect(chunked).toEqual(whole);
      }),
    );
  });
});
