'use client';
/** Events per minute by type (stacked bars) and active users (line), for the last 60 windows. */
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { eventColor, eventLabel, formatInt, formatMinute } from '@/components/format';
import { axisProps, gridProps, legendProps, tooltipProps } from './chart-theme';
import type { MinuteBucket } from '@/lib/contracts/dashboard';

interface Props {
  buckets: MinuteBucket[];
  /** The newest window to show (ISO); 60 windows ending here, empty ones included. */
  endIso: string;
  windowMs: number;
  /** The event types, in legend order (from lib/events/schemas on the server). */
  types: readonly string[];
}

export function EventsPerMinuteChart({ buckets, endIso, windowMs, types }: Props) {
  const end = Math.floor(Date.parse(endIso) / windowMs) * windowMs;
  const byStart = new Map(buckets.map((b) => [Date.parse(b.windowStart), b]));
  const data = Array.from({ length: 60 }, (_, i) => {
    const t = end - (59 - i) * windowMs;
    const b = byStart.get(t);
    const row: Record<string, number | string> = { minute: formatMinute(new Date(t).toISOString()), activeUsers: b?.activeUsers ?? 0 };
    for (const type of types) row[type] = b?.counts[type] ?? 0;
    return row;
  });
  return (
    <ResponsiveContainer width="100%" height={300} initialDimension={{ width: 600, height: 300 }}>
      <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid {...gridProps} />
        <XAxis dataKey="minute" {...axisProps} minTickGap={24} />
        <YAxis yAxisId="events" {...axisProps} width={48} tickFormatter={(v: number) => formatInt(v)} />
        <YAxis yAxisId="users" orientation="right" {...axisProps} width={40} allowDecimals={false} />
        <Tooltip {...tooltipProps} formatter={(v, name) => [formatInt(Number(v)), String(name)]} />
        <Legend {...legendProps} />
        {types.map((type) => (
          <Bar key={type} yAxisId="events" dataKey={type} name={eventLabel(type)} stackId="events" fill={eventColor(type)} isAnimationActive={false} />
        ))}
        <Line yAxisId="users" type="monotone" dataKey="activeUsers" name="Active users" stroke="var(--text)" strokeWidth={2} dot={false} isAnimationActive={false} />
      </ComposedChart>
    </ResponsiveContainer>
  );
}
