/** The date-range picker of a user page: a plain GET form (default: the last 7 days). */
import Form from 'next/form';

export function UserRangeForm({ action, from, to, today }: { action: string; from: string; to: string; today: string }) {
  return (
    <Form action={action} className="filter-form card" aria-label="Date range">
      <label>
        <span>From</span>
        <input type="date" name="from" defaultValue={from} max={today} required data-testid="range-from" />
      </label>
      <label>
        <span>To</span>
        <input type="date" name="to" defaultValue={to} max={today} required data-testid="range-to" />
      </label>
      <button type="submit" className="btn btn-primary">
        Show
      </button>
    </Form>
  );
}
