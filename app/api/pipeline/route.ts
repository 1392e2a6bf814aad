/** GET /api/pipeline: the PipelineStatus documented by pipelineStatusSchema (web/live/pipeline-status.ts). */
import { methodNotAllowed } from '@/web/http/errors';
import { withErrors } from '@/web/http/route';
import { runtimeOr503 } from '@/web/http/runtime-or-503';

export const dynamic = 'force-dynamic';

export const GET = withErrors('pipeline', async () => {
  const rt = runtimeOr503();
  if (!rt.ok) return rt.response;
  const status = await rt.runtime.pipelineStatus();
  return Response.json(status, { headers: { 'Cache-Control': 'no-store' } });
});

export const POST = methodNotAllowed(['GET']);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
