/**
 * What the worker announces after each committed batch: sent with PostgreSQL NOTIFY inside the
 * same transaction as the aggregates, so listeners only ever hear of committed data. The web
 * server LISTENs on COMMIT_CHANNEL and pushes updates to browsers. The worker builds a notice with
 * buildCommitNotice and the sink bounds it with boundNotice; both are pure.
 */
import { z } from 'zod';

export const COMMIT_CHANNEL = 'clickstream_commits';

/** NOTIFY payloads must stay under 8000 bytes; past this many users we send a truncated list. */
export const MAX_NOTICE_USERS = 100;

/** The most window starts a notice names (the latest ones; see minutesTruncated). */
export const MAX_NOTICE_MINUTES = 60;

/** The most UTF-8 bytes of JSON a notice may take (PostgreSQL refuses NOTIFY payloads of 8000 bytes or more). */
export const MAX_NOTICE_BYTES = 7_500;

export const commitNoticeSchema = z.object({
  /** Commit time, ISO-8601. */
  at: z.string(),
  groupId: z.string(),
  topic: z.string(),
  partitions: z.array(z.number().int()),
  /** Valid events counted by this batch. */
  events: z.number().int(),
  invalid: z.number().int(),
  late: z.number().int(),
  /** Users whose aggregates changed (at most MAX_NOTICE_USERS; see usersTruncated). */
  users: z.array(z.string()),
  usersTruncated: z.boolean(),
  /** UTC days (YYYY-MM-DD) and window starts (ISO) that changed (see daysTruncated, minutesTruncated). */
  days: z.array(z.string()),
  minutes: z.array(z.string()),
  /**
   * True when `days` / `minutes` name only some of what changed (the notice had to fit NOTIFY's
   * limit): a listener must treat every day / minute as changed. Absent means false.
   */
  daysTruncated: z.boolean().optional(),
  minutesTruncated: z.boolean().optional(),
});

export type CommitNotice = z.infer<typeof commitNoticeSchema>;

/** What one committed chunk of a partition changed, as the worker knows it. */
export interface CommittedChanges {
  /** When the notice is made, epoch ms. */
  atMs: number;
  groupId: string;
  topic: string;
  partition: number;
  /** Events counted, dead-lettered and sent to the late topic. */
  events: number;
  invalid: number;
  late: number;
  /** The (user, day) rows changed, in the order they were first changed. */
  userDays: Iterable<{ userId: string; day: string }>;
  /** The window starts changed, epoch ms, in any order (repeats allowed). */
  windowStartsMs: Iterable<number>;
}

/**
 * The notice for a committed chunk: users in the order they were first changed (at most
 * MAX_NOTICE_USERS), days ascending, the latest MAX_NOTICE_MINUTES window starts ascending.
 */
export function buildCommitNotice(c: CommittedChanges): CommitNotice {
  const userDays = [...c.userDays];
  const users = [...new Set(userDays.map((u) => u.userId))];
  const minutes = [...new Set(c.windowStartsMs)].sort((a, b) => a - b);
  return {
    at: new Date(c.atMs).toISOString(),
    groupId: c.groupId,
    topic: c.topic,
    partitions: [c.partition],
    events: c.events,
    invalid: c.invalid,
    late: c.late,
    users: users.slice(0, MAX_NOTICE_USERS),
    usersTruncated: users.length > MAX_NOTICE_USERS,
    days: [...new Set(userDays.map((u) => u.day))].sort(),
    minutes: minutes.slice(-MAX_NOTICE_MINUTES).map((ms) => new Date(ms).toISOString()),
    minutesTruncated: minutes.length > MAX_NOTICE_MINUTES,
  };
}

const noticeBytes = (n: CommitNotice) => Buffer.byteLength(JSON.stringify(n), 'utf8');

type ListKey = 'users' | 'days' | 'minutes';
const flagOf = { users: 'usersTruncated', days: 'daysTruncated', minutes: 'minutesTruncated' } as const;

/**
 * Shortens one list until the notice fits (or the list is empty), keeping as many entries as fit
 * and setting the list's flag. Users keep the first entries; days and minutes (ascending) keep the
 * latest, which are what live views show.
 */
function trimList(n: CommitNotice, key: ListKey, maxBytes: number): CommitNotice {
  const list = n[key];
  if (list.length === 0 || noticeBytes(n) <= maxBytes) return n;
  const keep = (count: number): CommitNotice => ({ ...n, [key]: key === 'users' ? list.slice(0, count) : list.slice(list.length - count), [flagOf[key]]: true });
  // The largest count that fits: size grows with the count, and the full list does not fit.
  let lo = 0;
  let hi = list.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (noticeBytes(keep(mid)) <= maxBytes) lo = mid;
    else hi = mid - 1;
  }
  return keep(lo);
}

/**
 * The notice bounded to `maxBytes` UTF-8 bytes of JSON, so NOTIFY never refuses it (a refused NOTIFY
 * fails the commit, and the partition would retry it forever). Trims users, then days, then minutes,
 * each with its flag set; a notice that fits is returned unchanged. The result is under the bound
 * whenever the notice's other fields (group id, topic, partitions) fit in it with empty lists.
 */
export function boundNotice(notice: CommitNotice, maxBytes = MAX_NOTICE_BYTES): CommitNotice {
  let n = notice;
  for (const key of ['users', 'days', 'minutes'] as const) n = trimList(n, key, maxBytes);
  return n;
}
