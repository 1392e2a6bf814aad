/**
 * What every scenario gets: the run's configuration, one kafkajs client, the machine, a log line
 * printer, and owned resources (fresh databases, topics, child processes) that are released at the
 * end of the run, whatever happened.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Kafka } from 'kafkajs';
import pg from 'pg';
import type { BenchOptions } from './args';
import type { MachineInfo } from './machine';
import type { Config } from '@/lib/config';
import { migrate } from '@/tooling/infra/migrate';
import { ensureTopic } from '@/lib/kafka/topics';
import { stopChild, type Child } from '@/tooling/process/children';
import { adminQuery } from '@/tooling/infra/admin-query';

export interface FreshDatabase {
  name: string;
  url: string;
}

export const newRunId = (): string => randomUUID().replace(/-/g, '').slice(0, 8);

export class BenchContext {
  private readonly databases: FreshDatabase[] = [];
  private readonly topics = new Set<string>();
  private readonly children = new Set<Child>();
  private readonly cleanups: (() => Promise<void>)[] = [];
  private readonly shared = new Map<string, Promise<unknown>>();
  /** The Kafka broker's pid when this run started it (for its CPU time), else undefined. */
  brokerPid: number | undefined;

  constructor(
    readonly runId: string,
    readonly opts: BenchOptions,
    /** The run's configuration; DATABASE_URL is the run's main (fresh, migrated) database. */
    readonly cfg: Config,
    readonly kafka: Kafka,
    readonly machine: MachineInfo,
    readonly log: (line: string) => void,
  ) {}

  get logDir(): string {
    return path.resolve(this.cfg.DATA_DIR, 'bench-logs', this.runId);
  }

  /** A topic name unique to this run; deleted at the end (unless --keep). */
  topicName(label: string): string {
    const name = `bench.${this.runId}.${label}`;
    this.topics.add(name);
    return name;
  }

  async createTopic(label: string, partitions = this.cfg.EVENTS_PARTITIONS): Promise<string> {
    const topic = this.topicName(label);
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await ensureTopic(admin, topic, partitions);
    } finally {
      await admin.disconnect();
    }
    return topic;
  }

  /** A new database on the run's PostgreSQL server, migrated; dropped at the end (unless --keep). */
  async freshDatabase(label: string): Promise<FreshDatabase> {
    const name = `clickstream_bench_${this.runId}_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}`;
    await adminQuery(this.cfg.DATABASE_URL, `CREATE DATABASE "${name}"`);
    const url = new URL(this.cfg.DATABASE_URL);
    url.pathname = `/${name}`;
    const db = { name, url: url.toString() };
    this.databases.push(db);
    await migrate(db.url, path.resolve('prisma/migrations'), () => {});
    return db;
  }

  /** Registers a database created elsewhere (the run's main one) to be dropped at the end. */
  adoptDatabase(name: string): void {
    const url = new URL(this.cfg.DATABASE_URL);
    url.pathname = `/${name}`;
    this.databases.push({ name, url: url.toString() });
  }

  /** Environment for a child process (worker, web server) of this run. */
  childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
    return {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      KAFKA_BROKERS: this.cfg.KAFKA_BROKERS.join(','),
      KAFKA_VERSION: this.cfg.KAFKA_VERSION,
      DATABASE_URL: this.cfg.DATABASE_URL,
      DATA_DIR: this.cfg.DATA_DIR,
      EVENTS_PARTITIONS: String(this.cfg.EVENTS_PARTITIONS),
      WORKER_METRICS_PORT: '0',
      NEXT_TELEMETRY_DISABLED: '1',
      ...extra,
    };
  }

  /** Registers a child process so it is stopped at the end even if the scenario fails. */
  own(child: Child): Child {
    this.children.add(child);
    void child.exited.then(() => this.children.delete(child));
    return child;
  }

  onCleanup(fn: () => Promise<void>): void {
    this.cleanups.push(fn);
  }

  /** One value shared by the scenarios that need it (the pre-filled topic, the web server). */
  once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let p = this.shared.get(key) as Promise<T> | undefined;
    if (!p) {
      p = make();
      this.shared.set(key, p);
    }
    return p;
  }

  /** Stops child processes, runs cleanups, deletes topics and drops databases. Never throws. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.children].map((c) => stopChild(c, 10_000)));
    for (const fn of this.cleanups.reverse()) await fn().catch((err: unknown) => this.log(`cleanup failed: ${String(err)}`));
    if (this.opts.keep) {
      this.log(`kept databases ${this.databases.map((d) => d.name).join(', ')} and topics ${[...this.topics].join(', ')}`);
      return;
    }
    if (this.topics.size > 0) {
      const admin = this.kafka.admin();
      try {
        await admin.connect();
        const existing = new Set(await admin.listTopics());
        const mine = [...this.topics].filter((t) => existing.has(t));
        if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 30_000 });
      } catch (err) {
        this.log(`could not delete the bench topics: ${(err as Error).message}`);
      } finally {
        await admin.disconnect().catch(() => {});
      }
    }
    for (const db of this.databases) {
      await adminQuery(this.cfg.DATABASE_URL, `DROP DATABASE IF EXISTS "${db.name}" WITH (FORCE)`).catch((err: unknown) =>
        this.log(`could not drop database ${db.name}: ${(err as Error).message}`),
      );
    }
  }
}

/** PostgreSQL server processes serving connections to the client's database (other than the client's own). */
export async function backendPids(client: pg.Client): Promise<number[]> {
  const r = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
  return r.rows.map((row) => row.pid);
}

/** Sum of next_offset over a group's partitions of a topic: how many messages it has committed. */
export async function committedCount(client: pg.Client, groupId: string, topic: string): Promise<number> {
  const r = await client.query<{ n: string | null }>('SELECT sum(next_offset)::text AS n FROM partition_state WHERE group_id = $1 AND topic = $2', [groupId, topic]);
  return Number(r.rows[0]?.n ?? 0);
}
