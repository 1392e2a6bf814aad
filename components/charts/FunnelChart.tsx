'use client';
/**
 * The sessions funnel (lib/metrics/funnel.ts): sessions with a page view; of those, with an
 * add-to-cart after a page view; of those, with a purchase after that add-to-cart. Bars for the
 * eye, and the same numbers in a table (the chart's text alternative, and what tests read).
 */
import { Bar, BarChart, CartesianGrid, Cell, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatInt, formatPercent } from '@/components/format';
import { axisProps, gridProps, tooltipProps } from './chart-theme';
import type { FunnelCounts } from '@/lib/contracts/dashboard';

/** The steps in order, with the words the dashboard uses for them. */
export const FUNNEL_STEPS = [
  { key: 'pageView', label: 'Page view', detail: 'sessions with a page view', color: 'var(--event-pageView)' },
  { key: 'addToCart', label: 'Add to cart', detail: 'of those, with an add-to-cart after a page view', color: 'var(--event-addToCart)' },
  { key: 'purchase', label: 'Purchase', detail: 'of those, with a purchase after that add-to-cart', color: 'var(--event-purchase)' },
] as const satisfies readonly { key: keyof FunnelCounts; label: string; detail: string; color: string }[];

/** A step's share of the step before it (the first step: of all sessions); null when the one before is 0. */
function shareOf(counts: readonly number[], i: number, sessions: number): number | null {
  const before = i === 0 ? sessions : (counts[i - 1] ?? 0);
  return before === 0 ? null : (counts[i] ?? 0) / before;
}

interface Props {
  funnel: FunnelCounts;
  /** All the sessions of the period (the first step's base). */
  sessions: number;
  /** Prefix of the table's test ids: `${testId}-pageView`, …. */
  testId: string;
  /** What the sessions are, for the table's caption, e.g. "today" or "2026-12-01 to 2026-12-07". */
  period: string;
}

export function FunnelChart({ funnel, sessions, testId, period }: Props) {
  const counts = FUNNEL_STEPS.map((s) => funnel[s.key]);
  const data = FUNNEL_STEPS.map((s, i) => ({ name: s.label, key: s.key, color: s.color, sessions: counts[i] ?? 0 }));
  return (
    <div className="funnel" data-testid={testId}>
      {sessions === 0 ? (
        <p className="empty">No sessions {period}, so no funnel.</p>
      ) : (
        <div aria-hidden="true">
          <ResponsiveContainer width="100%" height={180} initialDimension={{ width: 400, height: 180 }}>
            <BarChart data={data} layout="vertical" margin={{ top: 4, right: 48, bottom: 0, left: 8 }}>
              <CartesianGrid {...gridProps} horizontal={false} vertical />
              <XAxis type="number" {...axisProps} allowDecimals={false} domain={[0, Math.max(1, sessions)]} tickFormatter={(v: number) => formatInt(v)} />
              <YAxis type="category" dataKey="name" {...axisProps} width={96} />
              <Tooltip {...tooltipProps} formatter={(v) => [formatInt(Number(v)), 'Sessions']} />
              <Bar dataKey="sessions" name="Sessions" isAnimationActive={false} radius={[0, 3, 3, 0]}>
                {data.map((d) => (
                  <Cell key={d.key} fill={d.color} />
                ))}
                <LabelList dataKey="sessions" position="right" fill="var(--text)" fontSize={12} formatter={(v) => formatInt(Number(v))} />
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
      <table className="table table-compact">
        <caption className="muted">
          Of {formatInt(sessions)} {sessions === 1 ? 'session' : 'sessions'} {period}
        </caption>
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col" className="num">
              Sessions
            </th>
            <th scope="col" className="num">
              Of the step before
            </th>
          </tr>
        </thead>
        <tbody>
          {FUNNEL_STEPS.map((s, i) => (
            <tr key={s.key} data-testid={`${testId}-${s.key}`}>
              <th scope="row" title={s.detail}>
                {s.label}
              </th>
              <td className="num">{formatInt(counts[i] ?? 0)}</td>
              <td className="num">{formatPercent(shareOf(counts, i, sessions))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
