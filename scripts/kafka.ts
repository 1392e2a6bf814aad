/**
 * `npm run kafka:start` / `npm run kafka:stop`: a local single-node Kafka (KRaft) broker from the
 * Maven jars, left running in the background between the two. With KAFKA_BROKERS pointing at a
 * reachable cluster, start does nothing.
 */
import { config } from '@/lib/config';
import { stopBroker } from '@/tooling/infra/kafka-broker';
import { ensureKafka, localBrokerDataDir } from '@/tooling/infra/stack';
import { parseHostPort } from '@/lib/wait';
import { runMain, UserFacingError } from '@/lib/run-main';

const log = (l: string) => console.log(l);

runMain(async () => {
  const cfg = config();
  const command = process.argv[2];
  const { port } = parseHostPort(cfg.KAFKA_BROKERS[0] ?? '127.0.0.1:9092');
  if (command === 'start') {
    const kafka = await ensureKafka(cfg, log);
    if (kafka.kind === 'external') log(`Kafka already answers at ${cfg.KAFKA_BROKERS.join(',')}; nothing started`);
  } else if (command === 'stop') {
    const stopped = await stopBroker(localBrokerDataDir(cfg, port), log);
    if (!stopped) log('no local Kafka broker was running');
  } else {
    throw new UserFacingError(`unknown command ${JSON.stringify(command)}; usage: tsx scripts/kafka.ts start|stop`);
  }
});
