import { OverviewLive } from './OverviewLive';
import { config, type Config } from '@/lib/config';
import { EVENT_TYPES } from '@/lib/events/schemas';
import { overviewSnapshot } from '@/web/live/overview-snapshot';
import { getRuntime, type WebRuntime } from '@/web/live/runtime';

export const dynamic = 'force-dynamic';

/** The page's data as of now (the request time is read here, not while rendering). */
function loadOverview(cfg: Config, runtime: WebRuntime | undefined) {
  return Promise.all([
    overviewSnapshot(cfg.WINDOW_SIZE_MS, Date.now(), runtime?.eventsPerSecond()),
    runtime ? runtime.pipelineStatus() : Promise.resolve(null),
  ]);
}

export default async function OverviewPage() {
  const cfg = config();
  const [snapshot, pipeline] = await loadOverview(cfg, getRuntime());
  return (
    <>
      <h1>Overview</h1>
      <OverviewLive initial={snapshot} initialPipeline={pipeline} windowMs={cfg.WINDOW_SIZE_MS} eventTypes={EVENT_TYPES} />
    </>
  );
}
