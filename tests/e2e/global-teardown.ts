import { deleteSeeded } from '@/tests/support/seed';
import { seedPrefix, testDb } from './fixtures';

export default async function globalTeardown(): Promise<void> {
  const db = testDb();
  await deleteSeeded(db, seedPrefix);
  await db.$disconnect();
}
