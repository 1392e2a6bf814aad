/**
 * Seeds this run's users straight into the aggregate tables (as the worker would have written
 * them), after setting everyone's totals per day and per window to the sums of the per-user rows
 * the database holds (the integration tests before may have left them apart), so the overview's
 * figures are those of the rows the specs read.
 */
import { rebuildGlobalTotals } from '@/tooling/db/derived-totals';
import { seedAggregates } from '@/tests/support/seed';
import { SEEDED_USERS, seedPrefix, testDb } from './fixtures';

export default async function globalSetup(): Promise<void> {
  const db = testDb();
  await rebuildGlobalTotals(db);
  await seedAggregates(db, { prefix: seedPrefix, users: SEEDED_USERS, days: 8, minutes: 30, seed: 7 });
  await db.$disconnect();
}
