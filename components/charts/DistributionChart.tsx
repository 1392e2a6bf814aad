'use client';
/** Events by type as a donut, with a legend and tooltips. */
import { Cell, Legend, Pie, PieChart, ResponsiveContainer, Tooltip } from 'recharts';
import { eventColor, eventLabel, formatInt } from '@/components/format';
import { legendProps, tooltipProps } from './chart-theme';

export function DistributionChart({ counts }: { counts: Record<string, number> }) {
  const data = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([type, value]) => ({ type, name: eventLabel(type), value }));
  if (data.length === 0) return <p className="empty">No events yet today.</p>;
  return (
    <ResponsiveContainer width="100%" height={300} initialDimension={{ width: 400, height: 300 }}>
      <PieChart>
        <Pie data={data} dataKey="value" nameKey="name" innerRadius="45%" outerRadius="75%" paddingAngle={1} isAnimationActive={false}>
          {data.map((d) => (
            <Cell key={d.type} fill={eventColor(d.type)} stroke="var(--surface)" />
          ))}
        </Pie>
        <Tooltip {...tooltipProps} formatter={(v, name) => [formatInt(Number(v)), String(name)]} />
        <Legend {...legendProps} />
      </PieChart>
    </ResponsiveContainer>
  );
}
