/** Any other /api path: a JSON 404 rather than the HTML not-found page. */
import { jsonError } from '@/web/http/errors';

export const dynamic = 'force-dynamic';

const notFound = (): Response => jsonError(404, 'not_found', 'no such API endpoint');

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
