'use client';
/**
 * Keeps an open session's page current: the user's room pushes the newest sessions after each
 * commit (UserLiveSnapshot.sessions); when this one has grown or become final the page renders
 * again on the server (figures and events), at most every two seconds. When it has merged into an
 * older neighbour (it no longer exists under this start), a link leads to the session it became.
 */
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { formatDateTime } from '@/components/format';
import { useLiveEvent } from '@/components/live/socket';
import { sessionHref } from '@/components/SessionsTable';
import type { UserSessionRow } from '@/lib/contracts/dashboard';

const MIN_REFRESH_MS = 2000;

const changed = (a: UserSessionRow, b: UserSessionRow) => a.end !== b.end || a.eventCount !== b.eventCount || a.final !== b.final;

export function SessionLive({ session }: { session: UserSessionRow }) {
  const router = useRouter();
  const [mergedInto, setMergedInto] = useState<UserSessionRow | null>(null);
  const lastRefresh = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => () => clearTimeout(pending.current), []);

  const refresh = () => {
    if (pending.current !== undefined) return;
    const wait = Math.max(0, lastRefresh.current + MIN_REFRESH_MS - Date.now());
    pending.current = setTimeout(() => {
      pending.current = undefined;
      lastRefresh.current = Date.now();
      router.refresh();
    }, wait);
  };

  useLiveEvent(`user:${session.userId}`, 'user:update', (s) => {
    if (s.userId !== session.userId || s.sessions.length === 0) return;
    const same = s.sessions.find((x) => x.startMs === session.startMs);
    if (same) {
      setMergedInto(null);
      if (changed(same, session)) refresh();
      return;
    }
    // Not in the snapshot: it covers every session from its oldest row on, so if that is at or before this start, this one was absorbed.
    if (Math.min(...s.sessions.map((x) => x.startMs)) > session.startMs) return;
    setMergedInto(s.sessions.find((x) => x.startMs < session.startMs && Date.parse(x.end) >= session.startMs) ?? null);
  });

  return (
    <p className="notice" role="status" data-testid="session-live">
      {mergedInto ? (
        <>
          This session has merged into the one starting{' '}
          <Link href={sessionHref(mergedInto)}>{formatDateTime(mergedInto.start)} UTC</Link>.
        </>
      ) : (
        'This session is open: it updates here as new events are counted.'
      )}
    </p>
  );
}
