/**
 * POST /api/simulation {action: "start"|"stop", rate?, users?, seed?} → the simulator's new status.
 * Order: same origin → authorization (ADMIN_TOKEN; refused on a non-loopback HOST without it) →
 * rate limit (per client address) → body → act. Start and stop are
 * idempotent (see web/live/simulation-controller.ts). GET returns the current status.
 */
import { jsonError, methodNotAllowed } from '@/web/http/errors';
import { requireAdmin } from '@/web/http/auth';
import { parseJsonBody } from '@/web/http/parse';
import { withErrors } from '@/web/http/route';
import { runtimeOr503 } from '@/web/http/runtime-or-503';
import { requireSameOrigin } from '@/web/http/same-origin';
import { simulationBodySchema } from '@/web/http/simulation-params';
import { clientKey } from '@/web/security/client-address';

export const dynamic = 'force-dynamic';

export const GET = withErrors('simulation', () => {
  const rt = runtimeOr503();
  if (!rt.ok) return rt.response;
  return Response.json(rt.runtime.simulation.status(), { headers: { 'Cache-Control': 'no-store' } });
});

export const POST = withErrors('simulation', async (request: Request) => {
  const refused = requireSameOrigin(request);
  if (refused) return refused;
  const rt = runtimeOr503();
  if (!rt.ok) return rt.response;
  const { runtime } = rt;
  const unauthorized = requireAdmin(request, runtime.cfg);
  if (unauthorized) return unauthorized;
  const wait = runtime.controlLimiter.take(clientKey(request.headers));
  if (wait > 0) return jsonError(429, 'rate_limited', `too many control actions; retry in ${wait} s`, undefined, { 'Retry-After': String(wait) });
  const body = await parseJsonBody(simulationBodySchema, request);
  if (!body.ok) return body.response;
  const { action, rate, users, seed } = body.data;
  const status =
    action === 'start'
      ? await runtime.simulation.start({ ...(rate === undefined ? {} : { rate }), ...(users === undefined ? {} : { users }), ...(seed === undefined ? {} : { seed }) })
      : await runtime.simulation.stop();
  runtime.simulatorChanged();
  return Response.json(status, { headers: { 'Cache-Control': 'no-store' } });
});

export const PUT = methodNotAllowed(['GET', 'POST']);
export const PATCH = PUT;
export const DELETE = PUT;
