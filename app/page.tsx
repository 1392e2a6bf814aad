import { OverviewLive } from './OverviewLive';
import { config } from '@/lib/config';
import { EVENT_TYPES } from '@/lib/events/schemas';
import { overviewSnapshot } from '@/web/live/overview-snapshot';
import { pipelineStatus } from '@/web/live/pipeline-status';
import { getRuntime } from '@/web/live/runtime';

export const dynamic = 'force-dynamic';

export default async function OverviewPage() {
  const cfg = config();
  const runtime = getRuntime();
  const [snapshot, pipeline] = await Promise.all([
    overviewSnapshot(cfg.WINDOW_SIZE_MS, Date.now(), runtime?.eventsPerSecond()),
    runtime
      ? pipelineStatus({ cfg, simulatorStatus: () => runtime.simulation.status(), offsets: runtime.offsets, lastNotice: runtime.lastNotice })
      : Promise.resolve(null),
  ]);
  return (
    <>
      <h1>Overview</h1>
      <OverviewLive initial={snapshot} initialPipeline={pipeline} windowMs={cfg.WINDOW_SIZE_MS} eventTypes={EVENT_TYPES} />
    </>
  );
}
