/**
 * What the worker announces after each committed batch: sent with PostgreSQL NOTIFY inside the
 * same transaction as the aggregates, so listeners only ever hear of committed data. The web
 * server LISTENs on COMMIT_CHANNEL and pushes updates to browsers.
 */
import { z } from 'zod';

export const COMMIT_CHANNEL = 'clickstream_commits';

/** NOTIFY payloads must stay under 8000 bytes; past this many users we send a truncated list. */
export const MAX_NOTICE_USERS = 100;

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
  /** UTC days (YYYY-MM-DD) and window starts (ISO) that changed. */
  days: z.array(z.string()),
  minutes: z.array(z.string()),
});

export type CommitNotice = z.infer<typeof commitNoticeSchema>;
