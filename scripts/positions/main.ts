/**
 * `npm run positions`: lists the stored positions next to what Kafka holds, resets them, or closes
 * the open sessions of a partition refused for them (see ./args.ts for the usage). Talks to
 * KAFKA_BROKERS and DATABASE_URL; starts nothing.
 */
import { config } from '@/lib/config';
import { createPrisma } from '@/lib/db/prisma';
import { createKafka } from '@/lib/kafka/client';
import { runMain, UserFacingError } from '@/lib/run-main';
import { createPartitionLogReader } from '@/worker/shell/partition-log';
import { parsePositionsArgs, USAGE, UsageError } from './args';
import { closeSessions, describePosition, listPositions, resetPosition } from './positions';

// kafkajs logs each retry of a missing topic as an error; this command says what failed in one line.
process.env.LOG_LEVEL ??= 'fatal';

runMain(async () => {
  let command;
  try {
    command = parsePositionsArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) throw new UserFacingError(`${err.message}\n\n${USAGE}`);
    throw err;
  }
  if (command.kind === 'help') {
    console.log(USAGE);
    return 0;
  }
  const cfg = config();
  const topic = command.topic ?? cfg.TOPIC_EVENTS;
  const db = createPrisma(cfg.DATABASE_URL, 2);
  const logs = createPartitionLogReader(createKafka(cfg, `${cfg.KAFKA_CLIENT_ID}-positions`));
  try {
    const log = await logs.read(topic).catch((err: unknown) => {
      throw new UserFacingError(`cannot read topic ${topic} from Kafka at ${cfg.KAFKA_BROKERS.join(',')}: ${(err as Error).message}`);
    });
    if (command.kind === 'list') {
      for (const row of await listPositions(db, topic, log)) console.log(describePosition(topic, row));
      return 0;
    }
    const partitions = command.partitions === 'all' ? [...log.keys()].sort((a, b) => a - b) : command.partitions;
    let refused = 0;
    for (const partition of partitions) {
      const p = log.get(partition);
      if (!p) throw new UserFacingError(`--partition ${partition}: topic ${topic} has partitions 0-${log.size - 1}`);
      const run = command.kind === 'reset' ? resetPosition(db, topic, partition, p, command.to, command.force) : closeSessions(db, topic, partition);
      const outcome = await run.catch((err: unknown) => {
        throw new UserFacingError((err as Error).message);
      });
      console.log(outcome.line);
      if (!outcome.done && command.partitions !== 'all') refused++;
    }
    // One partition named and left as it was: that is a refusal, not a success.
    return refused > 0 ? 1 : 0;
  } finally {
    await Promise.allSettled([logs.close(), db.$disconnect()]);
  }
});
