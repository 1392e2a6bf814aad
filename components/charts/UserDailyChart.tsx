'use client';
/**
 * A user's events (bars) per day, with two times (lines): time on site as the events report it (the
 * sum of their sessionDuration) and visit time (first to last event of each session, summed).
 */
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDuration, formatDurationShort, formatInt } from '@/components/format';
import { axisProps, gridProps, legendProps, tooltipProps } from './chart-theme';
import type { UserDaySummary } from '@/lib/contracts/dashboard';

export function UserDailyChart({ days, allDays }: { days: UserDaySummary[]; allDays: string[] }) {
  const byDay = new Map(days.map((d) => [d.day, d]));
  const data = allDays.map((day) => {
    const d = byDay.get(day);
    return { day: day.slice(5), events: d?.eventCount ?? 0, time: d?.timeSpentSeconds ?? 0, visit: d?.visitTimeSeconds ?? 0 };
  });
  return (
    <ResponsiveContainer width="100%" height={280} initialDimension={{ width: 600, height: 280 }}>
      <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid {...gridProps} />
        <XAxis dataKey="day" {...axisProps} minTickGap={16} />
        <YAxis yAxisId="events" {...axisProps} width={44} allowDecimals={false} />
        <YAxis yAxisId="time" orientation="right" {...axisProps} width={48} tickFormatter={(v: number) => formatDurationShort(v)} />
        <Tooltip {...tooltipProps} formatter={(v, name) => [name === 'Events' ? formatInt(Number(v)) : formatDuration(Number(v)), String(name)]} />
        <Legend {...legendProps} />
        <Bar yAxisId="events" dataKey="events" name="Events" fill="var(--accent)" radius={[3, 3, 0, 0]} isAnimationActive={false} />
        <Line yAxisId="time" type="monotone" dataKey="time" name="Time on site (reported)" stroke="var(--accent-2)" strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} />
        <Line yAxisId="time" type="monotone" dataKey="visit" name="Visit time" stroke="var(--ok)" strokeWidth={2} strokeDasharray="5 3" dot={{ r: 2 }} isAnimationActive={false} />
      </ComposedChart>
    </ResponsiveContainer>
  );
}
