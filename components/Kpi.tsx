/** One headline number with its label and an optional hint. */
export function Kpi({ label, value, hint, testId }: { label: string; value: string; hint?: string; testId?: string }) {
  return (
    <div className="kpi card">
      <p className="kpi-label">{label}</p>
      <p className="kpi-value" data-testid={testId}>
        {value}
      </p>
      {hint ? <p className="kpi-hint">{hint}</p> : null}
    </div>
  );
}
