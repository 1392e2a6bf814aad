/**
 * The decoder's cost per event on simulator messages (issue 15: decoding and validation were about
 * a quarter of the worker's CPU). Same sitting, CPU-µs per event: UTF-8 and JSON.parse alone; the
 * schemas alone on top (zod and the general timestamp parse, the decoder's path for anything
 * unusual); the whole decoder (its fast path for plain events). Usage: npx tsx bench/decode.ts [events]
 */
import { z } from 'zod';
import { decodeEvent } from '@/lib/events/decode';
import { eventSchemas, type EventType } from '@/lib/events/schemas';
import { simulatedClock } from '@/simulator/clock';
import { createEventSequence } from '@/simulator/sequence';
import { cpuMicrosOf } from './support/proc';

const count = z.coerce.number().int().min(1_000).max(10_000_000).parse(process.argv[2] ?? 200_000);
const seq = createEventSequence({ seed: 7, users: 10_000, clock: simulatedClock(Date.parse('2026-12-01T00:00:00Z'), 1_000) });
const values = seq.take(count).map((m) => Buffer.from(m.value));
const options = { nowMs: Infinity, maxFutureMs: 300_000 };

/** CPU-µs per event of the third of three passes (the first two warm the JIT). */
function measure(label: string, f: (b: Buffer) => boolean): void {
  let line = '';
  for (let pass = 0; pass < 3; pass++) {
    let ok = 0;
    const micros = cpuMicrosOf(() => {
      for (const v of values) if (f(v)) ok += 1;
    });
    line = `${label}: ${(micros / values.length).toFixed(2)} CPU-µs per event (${ok.toLocaleString('en-US')} of ${values.length.toLocaleString('en-US')} accepted)`;
  }
  console.log(line);
}

measure('UTF-8 + JSON.parse', (b) => JSON.parse(b.toString('utf8')) !== null);
measure('UTF-8 + JSON.parse + the schemas (zod)', (b) => {
  const value = JSON.parse(b.toString('utf8')) as { eventType: EventType };
  return eventSchemas[value.eventType].safeParse(value).success;
});
measure('decodeEvent', (b) => decodeEvent(b, options).ok);
