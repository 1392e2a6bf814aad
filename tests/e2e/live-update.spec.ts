/**
 * A commit reaches an open page without a reload: we write a user's aggregates and NOTIFY the
 * commit exactly as the worker does (same channel, same payload schema, same transaction).
 */
import { expect, test } from '@playwright/test';
import { COMMIT_CHANNEL, type CommitNotice } from '@/lib/contracts/commit-notice';
import { seedPrefix, testDb, topic, workerGroupId } from './fixtures';

test('a NOTIFY after a commit updates the user page within a second or two', async ({ page }) => {
  const userId = `${seedPrefix}-00003`;
  await page.goto(`/users/${userId}`);
  await expect(page.getByTestId('connection')).toHaveText(/Live/);
  const kpi = page.getByTestId('user-today-events');
  const before = Number((await kpi.innerText()).replace(/\D/g, ''));

  const db = testDb();
  const day = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  const notice: CommitNotice = {
    at: new Date().toISOString(), groupId: workerGroupId, topic, partitions: [0], events: 500, invalid: 0, late: 0,
    users: [userId], usersTruncated: false, days: [day.toISOString().slice(0, 10)], minutes: [],
  };
  await db.$transaction(async (tx) => {
    await tx.userDaily.update({ where: { userId_day: { userId, day } }, data: { eventCount: { increment: 500 } } });
    await tx.$executeRaw`SELECT pg_notify(${COMMIT_CHANNEL}, ${JSON.stringify(notice)})`;
  });
  const t0 = Date.now();
  await expect(kpi).toHaveText(String(before + 500).replace(/\B(?=(\d{3})+(?!\d))/g, ','), { timeout: 5_000 });
  expect(Date.now() - t0).toBeLessThan(3_000);
});
