/**
 * The web server's long-lived services, shared between web/server.ts and the Next.js route handlers
 * and pages. Next bundles route code separately from web/server.ts, so module-level singletons would
 * not be shared: the runtime lives on globalThis, set once by the server at boot (or by a test).
 */
import type { Config } from '@/lib/config';
import type { CommitNotice } from '@/lib/contracts/commit-notice';
import type { OverviewSnapshot } from '@/lib/contracts/dashboard';
import type { PipelineStatus } from '@/lib/contracts/pipeline-status';
import type { RecentEvents } from './recent-events';
import type { SimulationController } from './simulation-controller';
import type { TopicOffsetsReader } from './topic-offsets';
import type { RateLimiter } from './rate-limit';
import type { SessionEventsReader } from './session-events-reader';

export interface WebRuntime {
  cfg: Config;
  simulation: SimulationController;
  offsets: TopicOffsetsReader;
  recent: RecentEvents;
  /** Reads a session's events back from Kafka (the session page). */
  sessionEvents: SessionEventsReader;
  controlLimiter: RateLimiter;
  /** Events per second as committed by the worker, when known. */
  eventsPerSecond(): number | undefined;
  lastNotice(): CommitNotice | null;
  /** The pipeline's status now (GET /api/pipeline). */
  pipelineStatus(): Promise<PipelineStatus>;
  /**
   * The overview and the pipeline status as the `overview` and `pipeline` rooms are answered on
   * subscribing (and the overview page renders): read once for concurrent callers and kept 400 ms.
   */
  sharedOverview(): Promise<OverviewSnapshot>;
  sharedPipelineStatus(): Promise<PipelineStatus>;
  /** Tells live clients that the simulator changed (pushes the pipeline room now). */
  simulatorChanged(): void;
  /** Whether the commit listener is connected (for health). */
  listenerConnected(): boolean;
}

const holder = globalThis as unknown as { clickstreamWebRuntime?: WebRuntime };

export function setRuntime(runtime: WebRuntime | undefined): void {
  holder.clickstreamWebRuntime = runtime;
}

export function getRuntime(): WebRuntime | undefined {
  return holder.clickstreamWebRuntime;
}
