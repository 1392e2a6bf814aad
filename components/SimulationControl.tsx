'use client';
/**
 * The simulation control in every page's header: the simulator's real state (from the server at
 * render, then live from the `pipeline` room), rate and users inputs, and Start/Stop. Buttons are
 * disabled while a request is in flight, and the server's start/stop are idempotent, so double
 * clicks do nothing twice. When the server needs ADMIN_TOKEN, a token field appears (kept in this
 * tab's sessionStorage only).
 */
import { useState, type FormEvent } from 'react';
import type { SimulatorStatus } from '@/lib/contracts/simulator-control';
import { useConnected, useLiveEvent } from '@/components/live/socket';
import { formatInt, formatRate } from './format';
import type { PipelineStatus } from '@/lib/contracts/pipeline-status';

interface Props {
  initial: SimulatorStatus | null;
  authRequired: boolean;
}

const TOKEN_KEY = 'clickstream.adminToken';

function storedToken(): string {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

export function SimulationControl({ initial, authRequired }: Props) {
  const [status, setStatus] = useState<SimulatorStatus | null>(initial);
  const [rate, setRate] = useState(String(initial?.rate ?? 20));
  const [users, setUsers] = useState(String(initial?.users ?? 500));
  const [token, setToken] = useState(() => (typeof window === 'undefined' ? '' : storedToken()));
  const [busy, setBusy] = useState<'start' | 'stop' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const connected = useConnected();

  useLiveEvent('pipeline', 'pipeline:update', (p: PipelineStatus) => setStatus(p.simulator));

  async function send(action: 'start' | 'stop') {
    if (busy) return;
    setBusy(action);
    setError(null);
    try {
      const body = action === 'start' ? { action, rate: Number(rate), users: Number(users) } : { action };
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (authRequired && token) headers.Authorization = `Bearer ${token}`;
      const res = await fetch('/api/simulation', { method: 'POST', headers, body: JSON.stringify(body) });
      const json = (await res.json()) as SimulatorStatus | { error: { message: string } };
      if (!res.ok || 'error' in json) setError('error' in json ? json.error.message : `failed (${res.status})`);
      else setStatus(json);
    } catch {
      setError('the server did not answer');
    } finally {
      setBusy(null);
    }
  }

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void send('start');
  };

  const running = status?.running ?? false;
  return (
    <form className="sim-control" onSubmit={onSubmit} aria-label="Simulation control">
      <p className="sim-state" role="status" aria-live="polite" data-testid="sim-state">
        <span className={`dot ${running ? 'dot-on' : 'dot-off'}`} aria-hidden="true" />
        {status === null ? (
          'Simulator unavailable'
        ) : running ? (
          <>
            <strong>Running</strong> · {formatRate(status.achievedRate)}/s of {formatInt(status.rate)}/s · {formatInt(status.sent)} sent
            {status.failed > 0 ? <span className="warn"> · {formatInt(status.failed)} failed</span> : null}
          </>
        ) : (
          <>
            <strong>Stopped</strong>
            {status.sent > 0 ? ` · ${formatInt(status.sent)} sent` : ''}
          </>
        )}
        {!connected ? <span className="muted"> · reconnecting…</span> : null}
      </p>
      <div className="sim-inputs">
        <label>
          <span>Rate/s</span>
          <input name="rate" type="number" inputMode="numeric" min={1} max={100000} step={1} required value={rate} onChange={(e) => setRate(e.target.value)} />
        </label>
        <label>
          <span>Users</span>
          <input name="users" type="number" inputMode="numeric" min={1} max={1000000} step={1} required value={users} onChange={(e) => setUsers(e.target.value)} />
        </label>
        {authRequired ? (
          <label>
            <span>Admin token</span>
            <input
              name="token"
              type="password"
              autoComplete="off"
              value={token}
              onChange={(e) => {
                setToken(e.target.value);
                try {
                  sessionStorage.setItem(TOKEN_KEY, e.target.value);
                } catch {
                  /* storage unavailable */
                }
              }}
            />
          </label>
        ) : null}
        <button type="submit" className="btn btn-primary" disabled={busy !== null || status === null}>
          {busy === 'start' ? 'Starting…' : running ? 'Apply' : 'Start'}
        </button>
        <button type="button" className="btn" disabled={busy !== null || status === null || !running} onClick={() => void send('stop')}>
          {busy === 'stop' ? 'Stopping…' : 'Stop'}
        </button>
      </div>
      {error ? (
        <p className="sim-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
