import { pipelineStatusSchema, type PipelineStatus } from '@/lib/contracts/pipeline-status';
/** The demo's one-line live status, read from the web server's GET /api/pipeline. */

export type DemoStatus = PipelineStatus | { error: string };

export async function readPipelineStatus(baseUrl: string): Promise<DemoStatus> {
  try {
    const res = await fetch(`${baseUrl}/api/pipeline`, { signal: AbortSignal.timeout(2000) });
    const parsed = pipelineStatusSchema.safeParse(await res.json());
    return parsed.success ? parsed.data : { error: 'unexpected /api/pipeline answer' };
  } catch (err) {
    return { error: `web server not answering (${(err as Error).message})` };
  }
}

export function formatStatusLine(s: DemoStatus): string {
  if ('error' in s) return `status: ${s.error}`;
  const sim = s.simulator.running ? `simulator ${s.simulator.rate}/s, sent ${s.simulator.sent}` : 'simulator stopped';
  const ago = s.lastCommitAt ? `${Math.max(0, Math.round((Date.now() - Date.parse(s.lastCommitAt)) / 1000))}s ago` : 'never';
  const redis = s.redisSink ? ` · redis lag ${s.redisSink.lag ?? (s.redisSink.reachable ? '?' : 'down')}` : '';
  return `${sim} · processed ${s.processed} · invalid ${s.invalid} · late ${s.late} · lag ${s.totalLag ?? '?'}${redis} · last commit ${ago}`;
}
