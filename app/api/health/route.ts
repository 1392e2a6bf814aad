/** GET /api/health: 200 when the web server, the database and Kafka answer (2 s each); else 503 naming what does not. */
import { methodNotAllowed } from '@/web/http/errors';
import { withErrors } from '@/web/http/route';
import { getRuntime } from '@/web/live/runtime';
import { withTimeout } from '@/web/live/with-timeout';
import { pingDatabase } from '@/web/queries/pipeline/ping-database';

export const dynamic = 'force-dynamic';

const TIMEOUT_MS = 2000;

export const GET = withErrors('health', async () => {
  const runtime = getRuntime();
  const [database, kafka] = await Promise.allSettled([
    withTimeout(pingDatabase(), TIMEOUT_MS, 'the database'),
    runtime ? runtime.offsets.ping(TIMEOUT_MS) : Promise.reject(new Error('no Kafka client in this process')),
  ]);
  const checks = {
    web: 'ok',
    database: database.status === 'fulfilled' ? 'ok' : 'unreachable',
    kafka: kafka.status === 'fulfilled' ? 'ok' : 'unreachable',
  } as const;
  const down = Object.entries(checks).filter(([, v]) => v !== 'ok').map(([k]) => k);
  return Response.json(
    down.length === 0 ? { status: 'ok', checks } : { status: 'unavailable', checks, error: { code: 'unavailable', message: `not reachable: ${down.join(', ')}` } },
    { status: down.length === 0 ? 200 : 503, headers: { 'Cache-Control': 'no-store' } },
  );
});

export const POST = methodNotAllowed(['GET']);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
