/** Shared recharts styling: colours come from CSS variables so both themes work. */
export const axisProps = {
  stroke: 'var(--muted)',
  tick: { fill: 'var(--muted)', fontSize: 12 },
  tickLine: false,
} as const;

export const gridProps = { stroke: 'var(--grid)', strokeDasharray: '3 3', vertical: false } as const;

export const tooltipProps = {
  contentStyle: { background: 'var(--surface)', border: '1px solid var(--border)', borderRadius: 8, color: 'var(--text)' },
  labelStyle: { color: 'var(--text)', fontWeight: 600 },
  itemStyle: { color: 'var(--text)' },
  cursor: { fill: 'var(--hover)' },
} as const;

export const legendProps = { wrapperStyle: { fontSize: 12, color: 'var(--muted)' } } as const;
