'use client';
/** Events by type over a range, as horizontal bars (one colour per type). */
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { eventColor, eventLabel, formatInt } from '@/components/format';
import { axisProps, gridProps, tooltipProps } from './chart-theme';

export function EventBreakdownChart({ counts, types }: { counts: Record<string, number>; types: readonly string[] }) {
  const data = types.map((t) => ({ type: t, name: eventLabel(t), count: counts[t] ?? 0 }));
  if (data.every((d) => d.count === 0)) return <p className="empty">No events in this range.</p>;
  return (
    <ResponsiveContainer width="100%" height={280} initialDimension={{ width: 400, height: 280 }}>
      <BarChart data={data} layout="vertical" margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
        <CartesianGrid {...gridProps} horizontal={false} vertical />
        <XAxis type="number" {...axisProps} allowDecimals={false} tickFormatter={(v: number) => formatInt(v)} />
        <YAxis type="category" dataKey="name" {...axisProps} width={116} />
        <Tooltip {...tooltipProps} formatter={(v) => [formatInt(Number(v)), 'Events']} />
        <Bar dataKey="count" name="Events" isAnimationActive={false} radius={[0, 3, 3, 0]}>
          {data.map((d) => (
            <Cell key={d.type} fill={eventColor(d.type)} />
          ))}
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  );
}
