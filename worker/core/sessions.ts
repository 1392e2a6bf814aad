/**
 * Per-user event-time session windows that merge, as Flink's `EventTimeSessionWindows` with
 * allowed lateness, for one partition (a user's events share a partition: the Kafka key is the
 * userId). Pure: plain values in, plain values out.
 *
 * Definitions (issue 11). A session is a maximal run of one user's counted events in which
 * consecutive events are less than `sessionGapMs` apart: a gap of exactly `sessionGapMs` splits. An
 * event that arrives out of order (but is not late) can extend a session at either end or bridge
 * two sessions into one. Late events (worker/core/lateness.ts) are never given to this module. The
 * metrics of a session are in session-summary.ts; the ones that depend on order (CTR, funnel) use
 * the order by event time, then by `seq`, a number given with each event that is unique among a
 * partition's events and the same on every replay: the Kafka offset. So ties are settled as the log
 * settles them, and a replay or any split into batches gives the same answer.
 *
 * State. The open sessions of each user. A session is open while a counted event could still
 * change it. Every counted event from now on has an event time ≥ the cut
 *     cut = windowStart(watermark − allowedLateness)
 * (the lateness rule read backwards: isLate(t, watermark) ⟺ t < cut, and the watermark never goes
 * back), so:
 *   - an open session keeps its events before the cut as one fixed-size summary (`prefix`): no
 *     future event can come before them, and the ordered metrics are a left fold, so folding the
 *     rest onto the summary later gives what folding everything in order would. The events at or
 *     after the cut (`tail`) are kept as [time, seq, kind] in order, since a future event can come
 *     between any two of them;
 *   - a session is closed, final and dropped from the state once end + gap ≤ cut: a future event
 *     is then at least a gap after its last event, so it starts another session.
 *   - in a merge only the earliest session can have a prefix: two sessions merge through new
 *     events between them, so every session after the first starts after a new event, hence at
 *     or after the cut, and has no event before it. So a merge is: that prefix, then the tails and
 *     the new events in order.
 *
 * Bound. After each call, for a user whose latest counted event is at T (≤ watermark +
 * out-of-orderness):
 *   - the tails hold only that user's events with time in [cut, T], a span of at most
 *     allowedLateness + windowSize + outOfOrderness of event time: however long the stream or the
 *     session, the state holds the last few minutes of events (with the defaults 10 min + 1 min +
 *     5 s), at 3 numbers each, plus one fixed-size summary per session;
 *   - open sessions end in (cut − gap, T] and their ends are at least a gap apart, so a user has at
 *     most 1 + ⌈(allowedLateness + windowSize + outOfOrderness) / gap⌉ of them (2 with the defaults);
 *   - a user is in the state only while it has an open session: with a counted event in the last
 *     gap + allowedLateness + windowSize + outOfOrderness of event time.
 * The state is serialized per user (`UserSessions`, plain JSON), so the shell can store it in the
 * same transaction as the aggregates and rewrite only the users a call changed.
 *
 * Output. Each call returns the sessions it created or changed (complete rows, not increments),
 * the keys (userId, startMs) that no longer exist because their session merged into an earlier one
 * or its start moved earlier, and the sessions it closed. Upserting `changed` and deleting `removed`
 * keeps a table of every session exactly equal to the sessions of all events counted so far.
 */
import { Map as PersistentMap } from 'immutable';
import type { LatenessSettings } from './lateness';
import { EVENT_KINDS, foldEvents, kindOf, metricsOf, type SessionEventTuple, type SessionMetrics, type SessionSummary } from './session-summary';
import { windowStart } from '@/lib/windows';

export type { EventKind, FunnelStep, SessionEventTuple, SessionMetrics, SessionSummary } from './session-summary';

export const DEFAULT_SESSION_GAP_MS = 30 * 60_000;

export interface SessionSettings extends LatenessSettings {
  /** Consecutive events of a session are less than this apart (ms). */
  sessionGapMs: number;
}

/** What sessions need of a counted event. */
export interface SessionEvent {
  userId: string;
  eventType: string;
  /** Event time in epoch milliseconds, UTC. */
  eventTimeMs: number;
  /** Settles ties in event time: unique among the partition's events, the same on every replay (the Kafka offset). */
  seq: number;
}

/** An open session: a summary of its events before the cut, then its later events in order. */
export interface OpenSession {
  prefix: SessionSummary | null;
  tail: readonly SessionEventTuple[];
}

/** One user's open sessions, in time order: the unit the shell stores (an empty list: delete it). */
export interface UserSessions {
  userId: string;
  sessions: readonly OpenSession[];
}

export interface SessionState {
  /** The watermark of the last call (null: none yet). */
  readonly watermarkMs: number | null;
  /**
   * Open sessions by user, in time order; a user without open sessions is absent. A persistent map
   * (immutable's): a call returns a new one sharing all but the users it changed, in time that
   * grows with those users, where copying a Map of 100,000 open users took 42 ms per call.
   */
  readonly users: PersistentMap<string, readonly OpenSession[]>;
  /**
   * The cut every user's sessions were frozen and closed against (what addToSessions returns).
   * Absent (a state read back, or made in a test): not known, so the next call looks at every user.
   */
  readonly settledCutMs?: number;
}

/** The plain-JSON form of a SessionState. */
export interface SessionStateJson {
  watermarkMs: number | null;
  users: UserSessions[];
}

export interface SessionKey {
  userId: string;
  startMs: number;
}

export interface SessionRow extends SessionMetrics {
  userId: string;
}

export interface SessionUpdate {
  state: SessionState;
  /** Sessions created or changed by this call's events: complete rows, to upsert by (userId, startMs). */
  changed: SessionRow[];
  /** Keys of sessions that no longer exist (merged into another, or their start moved earlier): to delete. */
  removed: SessionKey[];
  /** Sessions that became final in this call (no counted event can change them any more). */
  closed: SessionKey[];
  /** Every user whose open sessions this call changed, with its open sessions now (empty: none left). */
  users: UserSessions[];
}

export function createSessionState(watermarkMs: number | null = null): SessionState {
  return { watermarkMs, users: PersistentMap() };
}

/** Every counted event from now on has an event time at or after this (the lateness rule, read backwards). */
export function frozenBeforeMs(watermarkMs: number | null, s: LatenessSettings): number {
  return watermarkMs === null ? -Infinity : windowStart(watermarkMs - s.allowedLatenessMs, s.windowSizeMs);
}

/** A session whose last event is at `endMs` is final: no counted event can join it any more. */
export function isSessionClosed(endMs: number, watermarkMs: number | null, s: SessionSettings): boolean {
  return endMs + s.sessionGapMs <= frozenBeforeMs(watermarkMs, s);
}

function checkSettings(s: SessionSettings): void {
  if (!Number.isSafeInteger(s.sessionGapMs) || s.sessionGapMs <= 0) throw new RangeError(`sessionGapMs must be a positive whole number of ms, not ${s.sessionGapMs}`);
  if (!Number.isSafeInteger(s.windowSizeMs) || s.windowSizeMs <= 0) throw new RangeError(`windowSizeMs must be a positive whole number of ms, not ${s.windowSizeMs}`);
  if (!Number.isSafeInteger(s.allowedLatenessMs) || s.allowedLatenessMs < 0) throw new RangeError(`allowedLatenessMs must be a whole number of ms ≥ 0, not ${s.allowedLatenessMs}`);
}

const byTimeThenSeq = (a: SessionEventTuple, b: SessionEventTuple) => a[0] - b[0] || a[1] - b[1];

function startOf(x: OpenSession): number {
  return x.prefix ? x.prefix.firstMs : (x.tail[0] as SessionEventTuple)[0];
}

function endOf(x: OpenSession): number {
  const last = x.tail[x.tail.length - 1];
  return last ? last[0] : (x.prefix as SessionSummary).lastMs;
}

/**
 * The summary of each open session's events, prefix and tail together, once worked out: a session
 * is a value that never changes, so its summary is too. Memoised because every call needs the rows
 * of the sessions it changes and of those they replace, and folding a tail of several minutes of
 * events each time was the sessions' largest cost (issue 15). Weak: it goes with the session.
 */
const summaries = new WeakMap<OpenSession, SessionSummary>();

function summaryOf(x: OpenSession): SessionSummary {
  let summary = summaries.get(x);
  if (summary === undefined) {
    summary = foldEvents(x.prefix, x.tail) as SessionSummary;
    summaries.set(x, summary);
  }
  return summary;
}

/** The row of an open session: its metrics (session-summary.ts), as the table holds it. */
export function sessionRowOf(userId: string, x: OpenSession): SessionRow {
  return { userId, ...metricsOf(summaryOf(x)) };
}

/** A session with events after all of its own, in order: the old summary folds on (a left fold), in time that grows with the new events alone. */
function appended(x: OpenSession, events: readonly SessionEventTuple[]): OpenSession {
  const next: OpenSession = { prefix: x.prefix, tail: x.tail.concat(events) };
  summaries.set(next, foldEvents(summaryOf(x), events) as SessionSummary);
  return next;
}

/** The index of the first tail event at or after `cut`. */
function firstAtOrAfter(tail: readonly SessionEventTuple[], cut: number): number {
  let lo = 0;
  let hi = tail.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((tail[mid] as SessionEventTuple)[0] < cut) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Throws when two of the events (sorted) are the same event: an event given twice, or seq not unique. */
function checkDistinct(userId: string, sorted: readonly SessionEventTuple[]): void {
  for (let k = 1; k < sorted.length; k++) {
    const a = sorted[k - 1] as SessionEventTuple;
    const b = sorted[k] as SessionEventTuple;
    if (a[0] === b[0] && a[1] === b[1]) throw new RangeError(`sessions of ${userId}: two events at ${new Date(a[0]).toISOString()} with the same seq ${a[1]} (an event given twice, or seq not unique)`);
  }
}

/**
 * A user's open sessions with new events (sorted, all at or after every prefix event) added:
 * interval merging over the sessions and the events in order of start, joining whatever is less
 * than a gap apart. Returns the sessions, in order, and those that changed.
 */
function mergeUser(userId: string, sessions: readonly OpenSession[], events: readonly SessionEventTuple[], gap: number): { sessions: OpenSession[]; touched: OpenSession[] } {
  interface Group {
    end: number;
    blocks: OpenSession[];
    events: SessionEventTuple[];
  }
  const groups: Group[] = [];
  let i = 0;
  let j = 0;
  while (i < sessions.length || j < events.length) {
    const block = sessions[i];
    const event = events[j];
    const takeBlock = block !== undefined && (event === undefined || startOf(block) <= event[0]);
    const start = takeBlock ? startOf(block) : (event as SessionEventTuple)[0];
    const end = takeBlock ? endOf(block) : start;
    let g = groups[groups.length - 1];
    if (g === undefined || start - g.end >= gap) {
      g = { end, blocks: [], events: [] };
      groups.push(g);
    }
    g.end = Math.max(g.end, end);
    if (takeBlock) {
      g.blocks.push(block);
      i += 1;
    } else {
      g.events.push(event as SessionEventTuple);
      j += 1;
    }
  }
  const out: OpenSession[] = [];
  const touched: OpenSession[] = [];
  for (const g of groups) {
    if (g.events.length === 0 && g.blocks.length === 1) {
      out.push(g.blocks[0] as OpenSession);
      continue;
    }
    const only = g.blocks.length === 1 ? (g.blocks[0] as OpenSession) : undefined;
    const last = only?.tail[only.tail.length - 1];
    // The common case, events in order: one session and events all after its last (prefix events
    // are before the cut, new ones at or after it), so only the new events can repeat one another.
    if (only !== undefined && (last === undefined || byTimeThenSeq(last, g.events[0] as SessionEventTuple) < 0)) {
      checkDistinct(userId, g.events);
      const merged = appended(only, g.events);
      out.push(merged);
      touched.push(merged);
      continue;
    }
    // Only the first block can have a prefix (see the header); the state's invariants guarantee it.
    if (g.blocks.slice(1).some((b) => b.prefix !== null)) throw new Error(`sessions of ${userId}: a merge reached a session's frozen prefix (inconsistent state)`);
    const tail = [...g.blocks.flatMap((b) => b.tail), ...g.events].sort(byTimeThenSeq);
    checkDistinct(userId, tail);
    const merged: OpenSession = { prefix: g.blocks[0]?.prefix ?? null, tail };
    out.push(merged);
    touched.push(merged);
  }
  return { sessions: out, touched };
}

/** Sessions in key order: by user, then start. */
export const byKey = (a: SessionKey, b: SessionKey) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.startMs - b.startMs);

/** A session's key as one string, for sets and maps. */
export const sessionKeyString = (k: SessionKey) => `${k.userId}\n${k.startMs}`;

/**
 * Adds one batch of counted events (in any order) and moves the state to `watermarkMs`, the
 * partition's watermark after them (the one stored with the batch). Every event must have been
 * judged not late against a watermark at or after the state's (throws otherwise), and the
 * watermark must not go back. The input state is left unchanged.
 */
export function addToSessions(state: SessionState, events: readonly SessionEvent[], watermarkMs: number | null, s: SessionSettings): SessionUpdate {
  checkSettings(s);
  if (state.watermarkMs !== null && (watermarkMs === null || watermarkMs < state.watermarkMs)) {
    throw new RangeError(`the watermark went back from ${new Date(state.watermarkMs).toISOString()} to ${watermarkMs === null ? 'none' : new Date(watermarkMs).toISOString()}`);
  }
  const gap = s.sessionGapMs;
  const oldCut = frozenBeforeMs(state.watermarkMs, s);
  const byUser = new Map<string, SessionEventTuple[]>();
  for (const e of events) {
    if (!(e.eventTimeMs >= oldCut) || !Number.isFinite(e.eventTimeMs) || !Number.isFinite(e.seq)) {
      throw new RangeError(`an event of ${e.userId} at ${e.eventTimeMs} (seq ${e.seq}) is not a counted event: times before ${oldCut} are late (and both must be finite numbers)`);
    }
    const list = byUser.get(e.userId);
    const tuple: SessionEventTuple = [e.eventTimeMs, e.seq, kindOf(e.eventType)];
    if (list) list.push(tuple);
    else byUser.set(e.userId, [tuple]);
  }

  // Changed in place below, then frozen: the input's map is left unchanged.
  const users = state.users.asMutable();
  const changed: SessionRow[] = [];
  const removed: SessionKey[] = [];
  const closed: SessionKey[] = [];
  const dirty = new Set<string>();
  for (const [userId, list] of byUser) {
    list.sort(byTimeThenSeq);
    const before = users.get(userId) ?? [];
    const { sessions, touched } = mergeUser(userId, before, list, gap);
    const starts = new Set(sessions.map(startOf));
    for (const b of before) if (!starts.has(startOf(b))) removed.push({ userId, startMs: startOf(b) });
    for (const t of touched) changed.push(sessionRowOf(userId, t));
    users.set(userId, sessions);
    dirty.add(userId);
  }

  // Freeze what no future event can precede, and drop what no future event can join. While the
  // cut stays where every user was settled (it moves once per window of event time), only the users
  // this call's events touched can have anything to freeze or drop: the others are as they were
  // left. Looking at those alone keeps a small chunk's cost independent of the open users.
  const cut = frozenBeforeMs(watermarkMs, s);
  const toSettle = state.settledCutMs === cut ? [...byUser.keys()] : [...users.keys()];
  for (const userId of toSettle) {
    const sessions = users.get(userId);
    if (sessions === undefined) continue;
    let modified = false;
    const kept: OpenSession[] = [];
    for (const x of sessions) {
      if (endOf(x) + gap <= cut) {
        closed.push({ userId, startMs: startOf(x) });
        modified = true;
        continue;
      }
      const k = firstAtOrAfter(x.tail, cut);
      if (k > 0) {
        const frozen: OpenSession = { prefix: foldEvents(x.prefix, x.tail.slice(0, k)), tail: x.tail.slice(k) };
        // The same events, so the same summary.
        const known = summaries.get(x);
        if (known !== undefined) summaries.set(frozen, known);
        kept.push(frozen);
        modified = true;
      } else kept.push(x);
    }
    if (modified) {
      dirty.add(userId);
      if (kept.length > 0) users.set(userId, kept);
      else users.delete(userId);
    }
  }

  return {
    state: { watermarkMs, users: users.asImmutable(), settledCutMs: cut },
    changed: changed.sort(byKey),
    removed: removed.sort(byKey),
    closed: closed.sort(byKey),
    users: [...dirty].sort().map((userId) => ({ userId, sessions: users.get(userId) ?? [] })),
  };
}

/**
 * The rows that an addToSessions call's `changed` and `removed` replace: the rows, in the state the
 * call started from, of the sessions it changed or removed (a new session replaces none). A call
 * changes or removes only open sessions, and the stored row of an open session is its row in the
 * state (the shell commits both together), so these are the stored rows, known without reading them.
 */
export function replacedRows(before: SessionState, update: Pick<SessionUpdate, 'changed' | 'removed'>): SessionRow[] {
  const keys = new Set([...update.changed, ...update.removed].map(sessionKeyString));
  const rows: SessionRow[] = [];
  for (const userId of new Set([...update.changed, ...update.removed].map((k) => k.userId))) {
    for (const x of before.users.get(userId) ?? []) {
      if (keys.has(sessionKeyString({ userId, startMs: startOf(x) }))) rows.push(sessionRowOf(userId, x));
    }
  }
  return rows;
}

/** The rows of every open session, by user and start. */
export function openSessionRows(state: SessionState): SessionRow[] {
  const rows: SessionRow[] = [];
  for (const [userId, sessions] of state.users) for (const x of sessions) rows.push(sessionRowOf(userId, x));
  return rows.sort(byKey);
}

export function sessionStateToJson(state: SessionState): SessionStateJson {
  return {
    watermarkMs: state.watermarkMs,
    users: [...state.users.keys()].sort().map((userId) => ({ userId, sessions: state.users.get(userId) ?? [] })),
  };
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function summaryProblem(p: unknown): string | null {
  if (typeof p !== 'object' || p === null) return 'prefix is not an object';
  const q = p as Record<string, unknown>;
  for (const f of ['firstMs', 'lastMs', 'eventCount', 'pageViews', 'clickedPageViews', 'purchases', 'minSeq', 'maxSeq'] as const) if (!isNum(q[f])) return `prefix.${f} is not a number`;
  if (typeof q.pageViewAwaitingClick !== 'boolean') return 'prefix.pageViewAwaitingClick is not a boolean';
  if (q.funnelStep !== 0 && q.funnelStep !== 1 && q.funnelStep !== 2 && q.funnelStep !== 3) return 'prefix.funnelStep is not 0-3';
  const x = q as unknown as SessionSummary;
  if (x.eventCount < 1 || x.firstMs > x.lastMs || x.clickedPageViews > x.pageViews || x.minSeq > x.maxSeq) return 'prefix is inconsistent';
  return null;
}

function sessionProblem(x: unknown, gap: number, cut: number): string | null {
  if (typeof x !== 'object' || x === null) return 'is not an object';
  const { prefix, tail } = x as Record<string, unknown>;
  if (prefix !== null) {
    const p = summaryProblem(prefix);
    if (p) return p;
    if ((prefix as SessionSummary).lastMs >= cut) return 'prefix holds an event at or after the cut (state from other settings or a later watermark)';
  }
  if (!Array.isArray(tail)) return 'tail is not an array';
  if (prefix === null && tail.length === 0) return 'has no events';
  let prev: number | null = prefix === null ? null : (prefix as SessionSummary).lastMs;
  let prevTuple: SessionEventTuple | null = null;
  for (const e of tail as unknown[]) {
    if (!Array.isArray(e) || e.length !== 3 || !isNum(e[0]) || !isNum(e[1]) || !(EVENT_KINDS as unknown[]).includes(e[2])) return 'tail holds something other than [time, seq, kind]';
    const t = e as unknown as SessionEventTuple;
    if (prevTuple && byTimeThenSeq(prevTuple, t) >= 0) return 'tail is not in order of time, then seq';
    if (prev !== null && t[0] - prev >= gap) return 'holds a gap of a session gap or more';
    if (prevTuple === null && prev !== null && t[0] <= prev) return 'tail starts before its prefix ends';
    prev = t[0];
    prevTuple = t;
  }
  return null;
}

/**
 * A state from its JSON form (as stored), checked against the settings: a state built with another
 * session gap or allowed lateness, or with a watermark later than the one given, is refused. Tails
 * not yet frozen and sessions not yet dropped for `watermarkMs` are fine: the next call does it.
 */
export function sessionStateFromJson(json: unknown, s: SessionSettings): SessionState {
  checkSettings(s);
  const bad = (why: string) => new Error(`invalid session state: ${why}`);
  if (typeof json !== 'object' || json === null) throw bad('not an object');
  const { watermarkMs, users } = json as Record<string, unknown>;
  if (watermarkMs !== null && !isNum(watermarkMs)) throw bad('watermarkMs is not a number or null');
  if (!Array.isArray(users)) throw bad('users is not an array');
  const cut = frozenBeforeMs(watermarkMs, s);
  const out = new Map<string, OpenSession[]>();
  for (const u of users as unknown[]) {
    const { userId, sessions } = (u ?? {}) as Record<string, unknown>;
    if (typeof userId !== 'string') throw bad('a userId is not a string');
    if (out.has(userId)) throw bad(`user ${userId} appears twice`);
    if (!Array.isArray(sessions)) throw bad(`sessions of ${userId} is not an array`);
    let prevEnd: number | null = null;
    for (const [i, x] of (sessions as unknown[]).entries()) {
      const problem = sessionProblem(x, s.sessionGapMs, cut);
      if (problem) throw bad(`user ${userId}, session ${i}: ${problem}`);
      const session = x as OpenSession;
      if (prevEnd !== null && startOf(session) - prevEnd < s.sessionGapMs) throw bad(`user ${userId}, session ${i}: less than a session gap after the previous one`);
      prevEnd = endOf(session);
    }
    if (sessions.length > 0) out.set(userId, sessions as OpenSession[]);
  }
  return { watermarkMs, users: PersistentMap(out) };
}
