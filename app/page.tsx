import { OverviewLive } from './OverviewLive';
import { config, type Config } from '@/lib/config';
import { EVENT_TYPES } from '@/lib/events/schemas';
import { overviewSnapshot } from '@/web/live/overview-snapshot';
import { getRuntime, type WebRuntime } from '@/web/live/runtime';

export const dynamic = 'force-dynamic';

/**
 * The page's data: with the live side running, the snapshots its rooms answer subscribers with
 * (read once for concurrent requests, at most 400 ms old, so a burst of page loads costs one set of
 * statements); without it, read now (the request time is read here, not while rendering).
 */
function loadOverview(cfg: Config, runtime: WebRuntime | undefined) {
  if (runtime) return Promise.all([runtime.sharedOverview(), runtime.sharedPipelineStatus()]);
  return Promise.all([overviewSnapshot(cfg.WINDOW_SIZE_MS, Date.now()), Promise.resolve(null)]);
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
