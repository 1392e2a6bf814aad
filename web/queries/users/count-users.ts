/**
 * How many users match the users table's filter (for "N users" above the table): the rows of the
 * period's snapshot (./range-snapshots.ts), as its pages show them.
 */
import type { DayRange } from '@/lib/days';
import { rangeSnapshot } from './range-snapshots';

export async function countUsers(range: DayRange, q: string): Promise<number> {
  const s = await rangeSnapshot(range);
  return q === '' ? s.rows.length : s.rows.filter((r) => r.userId.startsWith(q)).length;
}
