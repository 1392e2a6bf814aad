'use client';
/** CTR per day (lib/metrics/click-through-rate.ts); days without CTR (no page views) have no point. */
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatPercent } from '@/components/format';
import { axisProps, gridProps, legendProps, tooltipProps } from './chart-theme';
import type { UserDaySummary } from '@/lib/contracts/dashboard';

export function CtrChart({ days, allDays }: { days: UserDaySummary[]; allDays: string[] }) {
  const byDay = new Map(days.map((d) => [d.day, d]));
  const data = allDays.map((day) => ({ day: day.slice(5), ctr: byDay.get(day)?.ctr ?? null }));
  return (
    <ResponsiveContainer width="100%" height={240} initialDimension={{ width: 400, height: 240 }}>
      <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid {...gridProps} />
        <XAxis dataKey="day" {...axisProps} minTickGap={16} padding={{ left: 12, right: 12 }} />
        <YAxis {...axisProps} width={60} tickFormatter={(v: number) => formatPercent(v)} />
        <Tooltip {...tooltipProps} formatter={(v) => [formatPercent(v === null ? null : Number(v)), 'CTR']} />
        <Legend {...legendProps} />
        <Line type="monotone" dataKey="ctr" name="CTR" stroke="var(--accent)" strokeWidth={2} dot={{ r: 3 }} connectNulls isAnimationActive={false} />
      </LineChart>
    </ResponsiveContainer>
  );
}
