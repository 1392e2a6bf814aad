/**
 * The pipeline panel says when the worker refuses a partition (its stored position belongs to another
 * cluster or a re-created topic), with the reason and the command that resolves it, and how many
 * events expired before they were read. The state is written to partition_state as the worker
 * writes it, for a partition number the e2e topic does not have, so the running worker leaves it alone.
 */
import { expect, test } from '@playwright/test';
import { screenshotPath, testDb, topic, workerGroupId } from './fixtures';

const PARTITION = 97;
const reason = "the stored next offset 5000 is beyond the partition's end (12): the topic was deleted and re-created, or the partition lost records";

test.afterEach(async () => {
  await testDb().partitionState.deleteMany({ where: { topic, partition: PARTITION } });
});

test('a refused partition and expired events show on the overview, with the reset command', async ({ page }) => {
  await testDb().partitionState.create({
    data: { topic, partition: PARTITION, groupId: workerGroupId, nextOffset: 5000n, expired: 1234n, blockedReason: reason, blockedAt: new Date() },
  });
  await page.goto('/');
  const alert = page.getByTestId('pipeline-refused');
  await expect(alert).toContainText(`Partition ${PARTITION} is not being counted`);
  await expect(alert).toContainText(reason);
  await expect(alert).toContainText(`npm run positions -- reset --topic ${topic} --partition ${PARTITION} --to earliest`);
  await expect(page.getByTestId('pipeline-expired')).toContainText('1,234 events expired');
  await page.screenshot({ path: screenshotPath('pipeline-refused'), fullPage: true });

  // A reset clears the refusal (as `npm run positions -- reset` does): the alert is gone.
  await testDb().partitionState.update({ where: { topic_partition: { topic, partition: PARTITION } }, data: { blockedReason: null, blockedAt: null } });
  await page.reload();
  await expect(page.getByTestId('pipeline')).toBeVisible();
  await expect(page.getByTestId('pipeline-refused')).toHaveCount(0);
});
