/**
 * Before the demo stops: stop the simulator through the web server's API and wait (bounded) until
 * the worker has counted everything it sent, so a demo that is stopped and started again, with
 * this broker or a new one, has counted every event it produced.
 */
import { waitFor } from '@/lib/wait';
import { readPipelineStatus } from './demo-status';

export async function drainSimulator(url: string, adminToken: string | undefined, say: (line: string) => void, timeoutMs = 15_000): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (adminToken) headers.authorization = `Bearer ${adminToken}`;
  const stopped = await fetch(`${url}/api/simulation`, { method: 'POST', headers, body: JSON.stringify({ action: 'stop' }), signal: AbortSignal.timeout(5000) }).then(
    (r) => r.ok,
    () => false,
  );
  if (!stopped) return; // the web server is gone already: nothing more is being sent
  let lag: number | null = null;
  const caughtUp = await waitFor(async () => {
    const s = await readPipelineStatus(url);
    lag = 'error' in s ? null : s.totalLag;
    return lag === 0;
  }, timeoutMs, 250);
  if (caughtUp) say('the simulator is stopped and the worker has counted everything it sent.');
  else say(`the worker is still ${lag ?? 'an unknown number of'} events behind after ${timeoutMs / 1000} s; they stay in Kafka and are counted when the demo runs again with this broker.`);
}
