/**
 * Faults survived with nothing lost: the Kafka broker SIGKILLed and restarted in the middle of a
 * run, and PostgreSQL restarted in the middle of a run. Each test runs its own broker or database
 * server, so killing it disturbs nothing else.
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { config } from '@/lib/config';
import { createPrisma } from '@/lib/db/prisma';
import type { ClickstreamEvent } from '@/lib/events/schemas';
import { createEmbeddedServer } from '@/tooling/infra/embedded-postgres-server';
import { killBroker, startBroker } from '@/tooling/infra/kafka-broker';
import { migrate } from '@/tooling/infra/migrate';
import { waitFor } from '@/lib/wait';
import { createKafka } from '@/lib/kafka/client';
import { simulatedClock } from '@/simulator/clock';
import { createSimulator } from '@/simulator/runner';
import { createEventSequence } from '@/simulator/sequence';
import { createWorker } from '@/worker/worker';
import { configFor, createTopics, differences, freshDatabase, groundTruth, pipelineEnv, produce, readDailyTotals, waitForCommitted } from '@/tests/support/pipeline';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()?.();
    } catch {
      // One failed cleanup does not stop the others.
    }
  }
});

const dataRoot = () => path.resolve(config().DATA_DIR, `fault-${randomUUID().slice(0, 8)}`);

describe('faults survived, nothing lost', () => {
  it('Kafka broker SIGKILLed and restarted mid-run: every event the simulator reported as sent is counted exactly once', async () => {
    const dataDir = dataRoot();
    const broker = { version: config().KAFKA_VERSION, host: '127.0.0.1', port: 19192, controllerPort: 19193, dataDir, log: () => {} };
    // The cleanup comes first, so a broker whose start fails or times out is killed too; once it
    // has run, a body still running (the test timed out) starts no broker again.
    let over = false;
    const startOurBroker = () => {
      if (over) throw new Error('the test is over (failed or timed out): not starting the broker again');
      return startBroker(broker);
    };
    cleanups.push(() => {
      over = true;
      killBroker(dataDir);
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
    await startOurBroker();
    const database = await freshDatabase();
    cleanups.push(database.drop);
    const cfg = configFor(pipelineEnv(database.url, { KAFKA_BROKERS: '127.0.0.1:19192', WORKER_SESSION_TIMEOUT_MS: '10000' }));
    const kafka = createKafka(cfg, 'it-broker-kill');
    await createTopics(kafka, cfg);
    const worker = createWorker({ cfg, kafka });
    await worker.start();
    cleanups.push(() => worker.stop());
    const simulator = createSimulator(kafka, cfg);
    cleanups.push(() => simulator.close());
    await simulator.start({ rate: 400, users: 200, seed: 5 });

    // How long each phase took, in every failure message: on a loaded machine the JVM's restart
    // alone can take tens of seconds, and a bare test timeout would not say which phase was slow.
    const phases: string[] = [];
    let phaseStart = Date.now();
    const phaseDone = (name: string) => {
      phases.push(`${name} ${Date.now() - phaseStart} ms`);
      phaseStart = Date.now();
    };
    await sleep(4000);
    killBroker(dataDir);
    const sentAtKill = simulator.status().sent;
    await sleep(5000);
    await startOurBroker();
    phaseDone('broker down and restarted');
    // Until sends have clearly resumed after the restart (a fixed wait was too short for the
    // simulator's reconnect on a loaded machine, and the run then sent too little to mean anything).
    const resumed = await waitFor(() => Promise.resolve(simulator.status().sent >= sentAtKill + 1000), 90_000, 250);
    phaseDone('sends resumed');
    expect(resumed, `the simulator sent 1,000 more events after the broker came back (had ${sentAtKill}, now ${simulator.status().sent}; ${simulator.status().errors} failed sends, the last: ${simulator.status().lastError ?? 'none'}; ${phases.join(', ')})`).toBe(true);
    const status = await simulator.stop();
    expect(status.sent).toBeGreaterThan(2000);

    // Everything acknowledged is counted once; an unacknowledged send may or may not have landed.
    await waitForCommitted(database.db, cfg, status.sent, 120_000).catch((e: unknown) => {
      throw new Error(`${String(e)} (${phases.join(', ')})`);
    });
    await sleep(2000);
    const state = await database.db.partitionState.findMany({ where: { groupId: cfg.WORKER_GROUP_ID } });
    const processed = state.reduce((s, r) => s + Number(r.processed), 0);
    expect(processed).toBeGreaterThanOrEqual(status.sent);
    expect(processed).toBeLessThanOrEqual(status.sent + status.failed);
    const [sum] = await database.db.$queryRaw<{ n: bigint }[]>`SELECT coalesce(sum(event_count), 0)::bigint AS n FROM user_daily`;
    expect(Number(sum?.n)).toBe(processed);
    expect(worker.health().status).toBe('ok');
    // Its phases have their own limits (the broker's start 90 s, resumed sends 90 s, the commits
    // 120 s), so the test's limit is above their sum: a slow phase fails with its own message.
  }, 330_000);

  it('PostgreSQL restarted mid-run: the worker retries its transaction and the totals stay exact', async () => {
    const dir = path.join(dataRoot(), 'pg');
    const port = 55433;
    // As root it runs as the postgres user and may keep its data outside the checkout: pg.dataDir.
    const pg = createEmbeddedServer({ dataDir: dir, port, user: 'postgres' });
    // As for the broker above: cleanup first, and no restart once it has run.
    let over = false;
    const startServer = () => {
      if (over) throw new Error('the test is over (failed or timed out): not starting PostgreSQL again');
      return pg.start();
    };
    cleanups.push(async () => {
      over = true;
      await pg.stop();
      fs.rmSync(path.dirname(dir), { recursive: true, force: true });
      fs.rmSync(pg.dataDir, { recursive: true, force: true });
    });
    await pg.initialise();
    await startServer();
    await pg.createDatabase('faults');
    const url = `postgresql://postgres@127.0.0.1:${port}/faults`;
    await migrate(url, path.resolve('prisma/migrations'), () => {});
    const cfg = configFor(pipelineEnv(url));
    const kafka = createKafka(cfg, 'it-pg-restart');
    await createTopics(kafka, cfg);
    const worker = createWorker({ cfg, kafka });
    await worker.start();
    cleanups.push(() => worker.stop());

    const messages = createEventSequence({ seed: 17, users: 300, clock: simulatedClock(Date.parse('2026-06-01T10:00:00Z'), 100) }).take(40_000);
    const producing = (async () => {
      for (let i = 0; i < messages.length; i += 2000) {
        await produce(kafka, cfg.TOPIC_EVENTS, messages.slice(i, i + 2000).map((m) => ({ key: m.key, value: m.value })));
        await sleep(300);
      }
    })();
    const db = createPrisma(url, 2);
    cleanups.push(() => db.$disconnect());
    await sleep(2000);
    const before = (await db.partitionState.findMany()).reduce((n, r) => n + Number(r.nextOffset), 0);
    expect(before, 'the restart happens mid-run').toBeGreaterThan(0);
    expect(before).toBeLessThan(messages.length);
    await pg.stop();
    await sleep(3000);
    await startServer();
    await producing;

    await waitForCommitted(db, cfg, messages.length, 180_000);
    const actual = await readDailyTotals(db);
    expect(differences(groundTruth(messages.map((m) => m.event as ClickstreamEvent)), actual)).toEqual([]);
    expect(worker.health().status).toBe('ok');
  });
});
