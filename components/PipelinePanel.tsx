'use client';
/**
 * The pipeline at a glance: simulator, worker counters, lag per partition and the last commit; an
 * alert for each partition the worker refuses (with the command that resolves it) and the events
 * that expired before they were read.
 */
import { useSyncExternalStore } from 'react';
import { formatAgo, formatInt, formatRate } from './format';
import type { PipelineStatus } from '@/lib/contracts/pipeline-status';

/**
 * The wall clock as an external store for "Last commit … ago": it reads Date.now() once a second while
 * mounted and is 0 (unknown) before that, on the server and during hydration, so the first render uses
 * the status's own `at` and server and client HTML agree.
 */
let clockMs = 0;
const clockListeners = new Set<() => void>();
let clockTimer: ReturnType<typeof setInterval> | undefined;

function tick() {
  clockMs = Date.now();
  for (const listener of clockListeners) listener();
}

function subscribeClock(listener: () => void): () => void {
  clockListeners.add(listener);
  if (clockTimer === undefined) {
    clockMs = Date.now();
    clockTimer = setInterval(tick, 1000);
  }
  return () => {
    clockListeners.delete(listener);
    if (clockListeners.size === 0) {
      clearInterval(clockTimer);
      clockTimer = undefined;
      clockMs = 0;
    }
  };
}

const clockSnapshot = () => clockMs;
const clockServerSnapshot = () => 0;

export function PipelinePanel({ status }: { status: PipelineStatus | null }) {
  const now = useSyncExternalStore(subscribeClock, clockSnapshot, clockServerSnapshot);
  if (!status) return <p className="empty">Pipeline status is not available.</p>;
  const sim = status.simulator;
  const outage = [!status.kafka.reachable && 'Kafka', !status.database.reachable && 'PostgreSQL'].filter(Boolean);
  const refused = status.partitions.filter((p) => p.refused !== null);
  return (
    <div className="pipeline" data-testid="pipeline">
      {outage.length > 0 ? (
        <p className="alert" role="alert">
          {outage.join(' and ')} not reachable{status.kafka.error && !status.kafka.reachable ? ` (${status.kafka.error})` : ''}. Live numbers resume when it is back.
        </p>
      ) : null}
      {refused.map((p) => (
        <p className="alert" role="alert" key={`refused-${p.partition}`} data-testid="pipeline-refused">
          Partition {p.partition} is not being counted: {p.refused}
        </p>
      ))}
      {status.expired > 0 ? (
        <p className="notice" data-testid="pipeline-expired">
          {formatInt(status.expired)} events expired (Kafka retention) before they were read; they are in no total.
        </p>
      ) : null}
      <dl className="stats">
        <div>
          <dt>Simulator</dt>
          <dd data-testid="pipeline-simulator">{sim.running ? `Running · ${formatRate(sim.achievedRate)}/s (target ${formatInt(sim.rate)}/s)` : 'Stopped'}</dd>
        </div>
        <div>
          <dt>Sent / failed</dt>
          <dd>
            {formatInt(sim.sent)} / <span className={sim.failed > 0 ? 'warn' : undefined}>{formatInt(sim.failed)}</span>
          </dd>
        </div>
        <div>
          <dt>Processed</dt>
          <dd data-testid="pipeline-processed">{formatInt(status.processed)}</dd>
        </div>
        <div>
          <dt>Invalid / late</dt>
          <dd>
            {formatInt(status.invalid)} / {formatInt(status.late)}
          </dd>
        </div>
        <div>
          <dt>Worker lag</dt>
          <dd data-testid="pipeline-lag">{status.totalLag === null ? 'unknown' : `${formatInt(status.totalLag)} events`}</dd>
        </div>
        {status.redisSink ? (
          <div>
            <dt>Redis sink lag</dt>
            <dd data-testid="pipeline-redis-lag">
              {status.redisSink.lag !== null ? `${formatInt(status.redisSink.lag)} events` : status.redisSink.reachable ? 'unknown' : <span className="warn">Redis not reachable</span>}
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Last commit</dt>
          <dd>{formatAgo(status.lastCommitAt, now || Date.parse(status.at))}</dd>
        </div>
      </dl>
      {status.partitions.length > 0 ? (
        <details className="partitions">
          <summary>Lag per partition ({status.partitions.length})</summary>
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">Partition</th>
                <th scope="col" className="num">Committed</th>
                <th scope="col" className="num">Latest</th>
                <th scope="col" className="num">Lag</th>
                <th scope="col" className="num">Expired</th>
              </tr>
            </thead>
            <tbody>
              {status.partitions.map((p) => (
                <tr key={p.partition}>
                  <td>{p.partition}</td>
                  <td className="num">{p.nextOffset === null ? '—' : formatInt(p.nextOffset)}</td>
                  <td className="num">{p.latestOffset === null ? '—' : formatInt(p.latestOffset)}</td>
                  <td className="num">{p.lag === null ? '—' : formatInt(p.lag)}</td>
                  <td className="num">{formatInt(p.expired)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </div>
  );
}
