/**
 * GET /api/pipeline and the `pipeline` room: the simulator's status, the worker group's counters,
 * lag per partition (the topic's latest offsets from Kafka minus the group's committed next_offset
 * in partition_state) and the last commit. `pipelineStatusSchema` documents the JSON shape; the
 * demo script and the tests parse responses with it.
 */
import type { Config } from '@/lib/config';
import { refusalFix } from '@/lib/contracts/position-reset';
import type { CommitNotice } from '@/lib/contracts/commit-notice';
import { partitionStates, type PartitionStateRow } from '@/web/queries/pipeline/partition-states';
import type { SimulatorStatus } from '@/lib/contracts/simulator-control';
import type { TopicOffsetsReader } from './topic-offsets';
import type { PipelineStatus } from '@/lib/contracts/pipeline-status';
import type { RedisSinkStatusReader } from './redis-sink-status';


export interface PipelineDeps {
  cfg: Config;
  simulatorStatus: () => SimulatorStatus;
  offsets: TopicOffsetsReader;
  lastNotice: () => CommitNotice | null;
  /** The Redis sink's status, when SINKS includes redis. */
  redisSink?: RedisSinkStatusReader;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 200);

export async function pipelineStatus(deps: PipelineDeps, nowMs = Date.now()): Promise<PipelineStatus> {
  const { cfg } = deps;
  const [states, latest] = await Promise.allSettled([partitionStates(cfg.TOPIC_EVENTS), deps.offsets.latest()]);
  const rows: PartitionStateRow[] = states.status === 'fulfilled' ? states.value : [];
  const offsets = latest.status === 'fulfilled' ? latest.value : undefined;
  const byPartition = new Map(rows.map((r) => [r.partition, r]));
  const partitionIds = new Set<number>([...rows.map((r) => r.partition), ...(offsets?.map((o) => o.partition) ?? [])]);
  const partitions = [...partitionIds].sort((a, b) => a - b).map((partition) => {
    const state = byPartition.get(partition);
    const off = offsets?.find((o) => o.partition === partition);
    const committed = state?.nextOffset ?? off?.low ?? null;
    return {
      partition,
      nextOffset: state?.nextOffset ?? null,
      latestOffset: off?.high ?? null,
      lag: off && committed !== null ? Math.max(0, off.high - committed) : null,
      watermark: state?.watermark ?? null,
      updatedAt: state?.updatedAt ?? null,
      expired: state?.expired ?? 0,
      refused: state?.refusedReason ? `${state.refusedReason}. ${refusalFix(cfg.TOPIC_EVENTS, partition, state.refusedReason)}` : null,
    };
  });
  const sum = (f: (r: PartitionStateRow) => number) => rows.reduce((a, r) => a + f(r), 0);
  const lastCommitAt = rows.reduce<string | null>((a, r) => (a === null || r.updatedAt > a ? r.updatedAt : a), null);
  const notice = deps.lastNotice();
  const redisSink = deps.redisSink ? await deps.redisSink.read(offsets) : undefined;
  return {
    at: new Date(nowMs).toISOString(),
    topic: cfg.TOPIC_EVENTS,
    groupId: cfg.WORKER_GROUP_ID,
    processed: sum((r) => r.processed),
    invalid: sum((r) => r.invalid),
    late: sum((r) => r.late),
    expired: sum((r) => r.expired),
    totalLag: offsets ? partitions.reduce((a, p) => a + (p.lag ?? 0), 0) : null,
    partitions,
    lastCommitAt,
    lastBatch: notice ? { at: notice.at, events: notice.events, invalid: notice.invalid, late: notice.late, partitions: notice.partitions } : null,
    kafka: { reachable: latest.status === 'fulfilled', error: latest.status === 'rejected' ? message(latest.reason) : null },
    database: { reachable: states.status === 'fulfilled', error: states.status === 'rejected' ? 'database is not reachable' : null },
    simulator: deps.simulatorStatus(),
    authRequired: cfg.ADMIN_TOKEN !== undefined,
    ...(redisSink ? { redisSink } : {}),
  };
}
