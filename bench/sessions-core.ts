/**
 * The sessions core's cost per small chunk as the open users grow (issue 15: a live worker commits
 * chunks of a few hundred events while up to 100,000 users have open sessions). Each run opens one
 * session for every user, then adds 300 chunks of 200 events inside one window of event time (the
 * cut does not move), and reports milliseconds per call. The cost should not grow with the open
 * users. Usage: npx tsx bench/sessions-core.ts [users ...] (default 5000 100000).
 */
import { z } from 'zod';
import { addToSessions, createSessionState, type SessionEvent } from '@/worker/core/sessions';

const SETTINGS = { sessionGapMs: 1_800_000, allowedLatenessMs: 600_000, windowSizeMs: 60_000, outOfOrdernessMs: 5_000 };
const T0 = Date.parse('2026-12-01T10:00:00Z');
const CHUNKS = 300;
const CHUNK_EVENTS = 200;

function msPerCall(users: number): number {
  let seq = 0;
  const event = (i: number, eventType: string, eventTimeMs: number): SessionEvent => ({ userId: `u${i % users}`, eventType, eventTimeMs, seq: seq++ });
  let state = addToSessions(createSessionState(), Array.from({ length: users }, (_, i) => event(i, 'pageView', T0 + (i % 1000))), T0 + 1000, SETTINGS).state;
  const started = performance.now();
  for (let c = 0; c < CHUNKS; c++) {
    const at = T0 + 2000 + c * 10;
    state = addToSessions(state, Array.from({ length: CHUNK_EVENTS }, (_, i) => event(c * CHUNK_EVENTS + i, 'click', at)), at, SETTINGS).state;
  }
  return (performance.now() - started) / CHUNKS;
}

const parsed = z
  .array(z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(10_000_000, 'must be at most 10,000,000'))
  .safeParse(process.argv.length > 2 ? process.argv.slice(2) : [5_000, 100_000]);
if (!parsed.success) {
  const issue = parsed.error.issues[0];
  console.error(`bench/sessions-core.ts: users ${String(issue?.path[0] !== undefined ? process.argv[2 + Number(issue.path[0])] : '')} ${issue?.message ?? 'is not valid'}\nusage: npx tsx bench/sessions-core.ts [users ...]`);
  process.exit(2);
}
for (const users of parsed.data) {
  console.log(`${users.toLocaleString('en-US')} open users: ${msPerCall(users).toFixed(2)} ms per ${CHUNK_EVENTS}-event call (mean of ${CHUNKS})`);
}
