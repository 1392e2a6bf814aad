/**
 * Seeds aggregate rows for manual runs and benchmarks:
 *   DATABASE_URL=... tsx tests/support/seed-cli.ts <prefix> <users> <days> [minutes]
 */
import { createPrisma } from '@/lib/db/prisma';
import { config } from '@/lib/config';
import { runMain } from '@/lib/run-main';
import { seedAggregates } from './seed';

runMain(async () => {
  const [prefix = 'seed', users = '1000', days = '30', minutes = '60'] = process.argv.slice(2);
  const db = createPrisma(config().DATABASE_URL, 4);
  const t0 = Date.now();
  try {
    await seedAggregates(db, { prefix, users: Number(users), days: Number(days), minutes: Number(minutes), global: true });
  } finally {
    await db.$disconnect();
  }
  console.log(`seeded ${users} users × ${days} days in ${Date.now() - t0} ms`);
});
