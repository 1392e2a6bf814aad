'use client';
/**
 * "Live" while the Socket.IO connection is up, "Reconnecting…" otherwise. While the server reports
 * Kafka or PostgreSQL unreachable (from the `pipeline` room), it says so: "Live · Kafka unreachable".
 */
import { useState } from 'react';
import { useConnected, useLiveEvent } from '@/components/live/socket';
import type { PipelineStatus } from '@/lib/contracts/pipeline-status';

export function ConnectionBadge() {
  const connected = useConnected();
  const [down, setDown] = useState<string[]>([]);
  useLiveEvent('pipeline', 'pipeline:update', (p: PipelineStatus) => {
    const next = [!p.kafka.reachable ? 'Kafka' : null, !p.database.reachable ? 'PostgreSQL' : null].filter((x): x is string => x !== null);
    setDown((prev) => (prev.join() === next.join() ? prev : next));
  });
  const outage = connected && down.length > 0;
  return (
    <span className={`badge ${connected ? 'badge-live' : 'badge-off'}`} role="status" data-testid="connection" title={outage ? `${down.join(' and ')} not reachable` : undefined}>
      <span className={`dot ${connected && !outage ? 'dot-on' : 'dot-off'}`} aria-hidden="true" />
      <span className="badge-text">
        {connected ? 'Live' : 'Reconnecting…'}
        {outage ? <span className="warn" data-testid="connection-outage"> · {down.join(' and ')} unreachable</span> : null}
      </span>
    </span>
  );
}
