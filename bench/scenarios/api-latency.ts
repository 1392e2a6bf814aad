/**
 * Scenario 5, API and pages under concurrent load: the run's main database is seeded with
 * 10,000 users × 30 days (1,000 × 7 with --quick), then each URL is loaded by a closed loop of
 * concurrent connections for a fixed time: the overview `/`, `/users`, `/users/<id>` and
 * `/api/users/<id>/daily` (ids drawn from the seeded users). Server-rendered pages are measured to
 * the end of the HTML; the client-side charts and Socket.IO are not part of it.
 */
import { fig, type Scenario } from '@/bench/support/scenario';
import { runLoad } from '@/bench/support/load';
import { seedDatabase, seedUserId } from '@/bench/support/seed';
import { sharedWebServer } from '@/bench/support/web';
import { round } from '@/bench/support/stats';
import type { Figure } from '@/bench/support/report';

export const apiLatencyScenario: Scenario = {
  name: 'api-latency',
  title: '5 API and pages',
  async run(ctx) {
    const users = ctx.opts.quick ? 1_000 : 10_000;
    const days = ctx.opts.quick ? 7 : 30;
    ctx.log(`seeding ${users.toLocaleString('en-US')} users × ${days} days ...`);
    const seeded = await ctx.once('seed', () => seedDatabase(ctx.cfg.DATABASE_URL, users, days));
    ctx.log(`seeded in ${seeded.seconds.toFixed(1)} s: ${JSON.stringify(seeded.rows)}`);
    const web = await sharedWebServer(ctx);
    const connections = ctx.opts.quick ? 4 : 10;
    const seconds = ctx.opts.quick ? 2 : 10;
    const warmupSeconds = ctx.opts.quick ? 0.5 : 2;
    // A fixed pseudo-random walk over the seeded users, so every run asks for the same ids.
    const user = (i: number) => seedUserId(1 + ((i * 7919) % users));
    const targets: { key: string; label: string; url: (i: number) => string }[] = [
      { key: 'overview', label: 'GET / (overview page)', url: () => `${web.url}/` },
      { key: 'users', label: 'GET /users (users page)', url: () => `${web.url}/users` },
      { key: 'user', label: 'GET /users/<id> (user page)', url: (i) => `${web.url}/users/${user(i)}` },
      { key: 'daily', label: 'GET /api/users/<id>/daily', url: (i) => `${web.url}/api/users/${user(i)}/daily` },
    ];
    const figures: Figure[] = [
      fig('seededUsers', 'seeded users × days', `${users.toLocaleString('en-US')} × ${days}`),
      fig('seedSeconds', 'seeding time (set-based SQL)', round(seeded.seconds, 1), 's'),
      fig('connections', 'concurrent connections (closed loop)', connections),
    ];
    const notes: string[] = [
      `rows seeded: user_daily ${seeded.rows.userDaily.toLocaleString('en-US')}, user_daily_event ${seeded.rows.userDailyEvent.toLocaleString('en-US')}, user_minute ${seeded.rows.userMinute.toLocaleString('en-US')}, global_minute ${seeded.rows.globalMinute.toLocaleString('en-US')}`,
      `web/server.ts in production mode, Next.js build of ${web.builtAt}`,
      `each URL: ${warmupSeconds} s warm-up, then ${seconds} s measured; the load generator runs on the same 2 cores as the server, Kafka and PostgreSQL`,
    ];
    for (const t of targets) {
      const r = await runLoad({ url: t.url, connections, seconds, warmupSeconds });
      if (r.count === 0) throw new Error(`${t.label}: no successful responses (statuses ${JSON.stringify(r.statuses)})`);
      figures.push(fig(`${t.key}P50Ms`, `${t.label} p50`, r.p50, 'ms'));
      figures.push(fig(`${t.key}P99Ms`, `${t.label} p99`, r.p99, 'ms'));
      figures.push(fig(`${t.key}RequestsPerSecond`, `${t.label} throughput`, r.requestsPerSecond, 'req/s'));
      notes.push(`${t.label}: ${r.count} responses, p95 ${r.p95} ms, max ${r.max} ms, ${r.errors} errors, statuses ${JSON.stringify(r.statuses)}, ${r.bytesPerResponse} bytes each`);
    }
    return { figures, notes };
  },
};
