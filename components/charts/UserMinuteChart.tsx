'use client';
/** A user's events per minute today (UTC), live. */
import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDuration, formatInt, formatMinute } from '@/components/format';
import { axisProps, gridProps, legendProps, tooltipProps } from './chart-theme';
import type { MinutePoint } from '@/lib/contracts/dashboard';

export function UserMinuteChart({ minutes }: { minutes: MinutePoint[] }) {
  if (minutes.length === 0) return <p className="empty">No activity today yet.</p>;
  const data = minutes.map((m) => ({ minute: formatMinute(m.windowStart), events: m.eventCount, time: m.timeSpentSeconds }));
  return (
    <ResponsiveContainer width="100%" height={240} initialDimension={{ width: 600, height: 240 }}>
      <AreaChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid {...gridProps} />
        <XAxis dataKey="minute" {...axisProps} minTickGap={24} />
        <YAxis {...axisProps} width={40} allowDecimals={false} />
        <Tooltip {...tooltipProps} formatter={(v, name) => [name === 'Time spent' ? formatDuration(Number(v)) : formatInt(Number(v)), String(name)]} />
        <Legend {...legendProps} />
        <Area type="stepAfter" dataKey="events" name="Events per minute" stroke="var(--accent)" fill="var(--accent-soft)" strokeWidth={2} isAnimationActive={false} />
      </AreaChart>
    </ResponsiveContainer>
  );
}
