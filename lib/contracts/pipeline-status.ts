/**
 * The pipeline's status as the web server reports it (GET /api/pipeline, the `pipeline` Socket.IO
 * room): the JSON shape, documented by its zod schema. The demo script and the tests parse responses
 * with it; the dashboard's components draw it.
 */
import { z } from 'zod';

export const simulatorStatusSchema = z.object({
  running: z.boolean(),
  rate: z.number(),
  users: z.number(),
  seed: z.number().nullable(),
  sent: z.number(),
  failed: z.number(),
  errors: z.number(),
  lastError: z.string().nullable(),
  startedAt: z.string().nullable(),
  achievedRate: z.number(),
});

const reachability = z.object({ reachable: z.boolean(), error: z.string().nullable() });

export const pipelineStatusSchema = z.object({
  at: z.string(),
  topic: z.string(),
  groupId: z.string(),
  /** Valid events counted by the worker group, all partitions. */
  processed: z.number(),
  invalid: z.number(),
  late: z.number(),
  /** Offsets removed by retention before the worker read them, all partitions. */
  expired: z.number(),
  /** Sum of the partitions' lag; null when Kafka's offsets are unknown. */
  totalLag: z.number().nullable(),
  partitions: z.array(
    z.object({
      partition: z.number(),
      /** The group's committed position (null: nothing committed yet). */
      nextOffset: z.number().nullable(),
      latestOffset: z.number().nullable(),
      lag: z.number().nullable(),
      watermark: z.string().nullable(),
      updatedAt: z.string().nullable(),
      expired: z.number(),
      /** Why the worker refuses to count this partition, with the command that resolves it (null while it counts). */
      refused: z.string().nullable(),
    }),
  ),
  /** Time of the most recent committed batch (from partition_state). */
  lastCommitAt: z.string().nullable(),
  /** The last commit notice this web server heard (since it started). */
  lastBatch: z
    .object({ at: z.string(), events: z.number(), invalid: z.number(), late: z.number(), partitions: z.array(z.number()) })
    .nullable(),
  kafka: reachability,
  database: reachability,
  /**
   * The Redis sink, present only when SINKS includes redis: its lag (Kafka's partition ends minus
   * the next offsets stored in Redis, summed; null when Redis or Kafka does not answer).
   */
  redisSink: z.object({ lag: z.number().nullable(), reachable: z.boolean(), error: z.string().nullable() }).optional(),
  simulator: simulatorStatusSchema,
  /** Whether control actions need ADMIN_TOKEN. */
  authRequired: z.boolean(),
});
export type PipelineStatus = z.infer<typeof pipelineStatusSchema>;
