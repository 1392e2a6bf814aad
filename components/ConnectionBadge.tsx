'use client';
/** "Live" while the Socket.IO connection is up, "Reconnecting…" otherwise. */
import { useConnected } from './live/socket';

export function ConnectionBadge() {
  const connected = useConnected();
  return (
    <span className={`badge ${connected ? 'badge-live' : 'badge-off'}`} role="status" data-testid="connection">
      <span className={`dot ${connected ? 'dot-on' : 'dot-off'}`} aria-hidden="true" />
      <span className="badge-text">{connected ? 'Live' : 'Reconnecting…'}</span>
    </span>
  );
}
