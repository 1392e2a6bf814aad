/** Seeds this run's users straight into the aggregate tables (as the worker would have written them). */
import { seedAggregates } from '@/tests/support/seed';
import { SEEDED_USERS, seedPrefix, testDb } from './fixtures';

export default async function globalSetup(): Promise<void> {
  const db = testDb();
  await seedAggregates(db, { prefix: seedPrefix, users: SEEDED_USERS, days: 8, minutes: 30, seed: 7 });
  await db.$disconnect();
}
