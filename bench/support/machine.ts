/** What the figures were measured on: cores, memory, Node, Kafka, PostgreSQL, and the load. */
import os from 'node:os';
import pg from 'pg';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  kafkaVersion: string;
  /** Where the Kafka version comes from: the broker this bench started, or the configuration. */
  kafkaVersionSource: 'started-by-bench' | 'configured (KAFKA_VERSION)';
  postgresVersion: string | null;
  loadAverageAtStart: [number, number, number];
}

export async function describeMachine(o: { kafkaVersion: string; kafkaStarted: boolean; databaseUrl: string }): Promise<MachineInfo> {
  const cpus = os.cpus();
  let postgresVersion: string | null = null;
  const client = new pg.Client({ connectionString: o.databaseUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const r = await client.query<{ server_version: string }>('SHOW server_version');
    postgresVersion = r.rows[0]?.server_version ?? null;
  } catch {
    postgresVersion = null;
  } finally {
    await client.end().catch(() => {});
  }
  return {
    cores: os.availableParallelism?.() ?? cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    kafkaVersion: o.kafkaVersion,
    kafkaVersionSource: o.kafkaStarted ? 'started-by-bench' : 'configured (KAFKA_VERSION)',
    postgresVersion,
    loadAverageAtStart: loadAverage(),
  };
}

export function loadAverage(): [number, number, number] {
  const [a = 0, b = 0, c = 0] = os.loadavg();
  return [Math.round(a * 100) / 100, Math.round(b * 100) / 100, Math.round(c * 100) / 100];
}
