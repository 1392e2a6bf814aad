/**
 * A real single-node Apache Kafka broker (KRaft) run from the jars on Maven Central.
 * The jars are fetched once with Maven into a per-user cache outside the work tree; the broker's
 * data and logs live in the project's ignored data folder.
 */
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { canConnect, isAlive, waitFor } from '@/lib/wait';

export interface BrokerOptions {
  version: string;
  host: string;
  port: number;
  controllerPort: number;
  dataDir: string;
  log: (line: string) => void;
}

/** Log4j2 versions that match each Kafka line's own log4j (the POM leaves out the SLF4J binding). */
function slf4jBinding(version: string): string[] {
  const major = Number(version.split('.')[0]);
  if (major >= 4) return []; // resolved from the broker's own log4j-core version, see ensureKafkaJars
  return ['org.slf4j:slf4j-reload4j:1.7.36', 'ch.qos.reload4j:reload4j:1.2.25'];
}

function kafkaCacheDir(version: string): string {
  const base = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return path.join(base, 'clickstream-analytics', `kafka-${version}`);
}

function mvn(args: string[], cwd: string): void {
  execFileSync('mvn', ['-q', '-B', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Downloads the broker's jars once; later calls return at once. Returns the libs folder. */
function ensureKafkaJars(version: string, log: (line: string) => void): string {
  const home = kafkaCacheDir(version);
  const libs = path.join(home, 'libs');
  if (fs.existsSync(path.join(home, '.complete'))) return libs;
  log(`fetching Apache Kafka ${version} jars with Maven (once, into ${home}) ...`);
  fs.rmSync(home, { recursive: true, force: true });
  fs.mkdirSync(libs, { recursive: true });
  fs.writeFileSync(
    path.join(home, 'pom.xml'),
    `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.clickstream</groupId><artifactId>kafka-broker</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${version}</version></dependency>
  </dependencies>
</project>
`,
  );
  try {
    mvn(['dependency:copy-dependencies', `-DoutputDirectory=${libs}`, '-DincludeScope=runtime'], home);
    const bindings = slf4jBinding(version);
    const log4jCore = fs.readdirSync(libs).find((f) => /^log4j-core-[\d.]+\.jar$/.test(f));
    if (log4jCore) {
      const log4jVersion = log4jCore.replace(/^log4j-core-|\.jar$/g, '');
      bindings.push(`org.apache.logging.log4j:log4j-slf4j-impl:${log4jVersion}`);
    }
    for (const artifact of bindings) {
      mvn(['dependency:copy', `-Dartifact=${artifact}`, `-DoutputDirectory=${libs}`], home);
    }
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer; message: string };
    const detail = `${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`.trim().split('\n').slice(-5).join('\n');
    throw new Error(`could not fetch Kafka ${version} with Maven (is Maven 3.8+ installed and Maven Central reachable?)\n${detail}`);
  }
  fs.writeFileSync(path.join(home, '.complete'), new Date().toISOString());
  return libs;
}

function serverProperties(o: BrokerOptions, logDirs: string): string {
  return `process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${o.host}:${o.controllerPort}
listeners=PLAINTEXT://${o.host}:${o.port},CONTROLLER://${o.host}:${o.controllerPort}
advertised.listeners=PLAINTEXT://${o.host}:${o.port}
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=${logDirs}
num.partitions=6
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.hours=24
log.segment.bytes=268435456
message.max.bytes=2097152
`;
}

const LOG4J2 = `Configuration:
  status: warn
  Appenders:
    Console:
      name: STDOUT
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: info
      AppenderRef:
        - ref: STDOUT
    Logger:
      - name: kafka
        level: warn
      - name: org.apache.kafka
        level: warn
`;

function log4jProperties(): string {
  return `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=WARN
log4j.logger.org.apache.kafka=WARN
`;
}

function pidFile(dataDir: string): string {
  return path.join(dataDir, 'kafka.pid');
}

export function runningBrokerPid(dataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(pidFile(dataDir), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts the broker in the background (its own process group, so it outlives this process until
 * stopped) and waits until it accepts connections. Returns the pid.
 */
export async function startBroker(o: BrokerOptions): Promise<number> {
  const existing = runningBrokerPid(o.dataDir);
  if (existing !== undefined && (await canConnect(o.host, o.port))) {
    o.log(`Kafka already running (pid ${existing}) on ${o.host}:${o.port}`);
    return existing;
  }
  if (await canConnect(o.host, o.port)) {
    throw new Error(`port ${o.host}:${o.port} is taken by another program; stop it or set KAFKA_BROKERS`);
  }
  const libs = ensureKafkaJars(o.version, o.log);
  fs.mkdirSync(o.dataDir, { recursive: true });
  const logDirs = path.resolve(o.dataDir, 'logs');
  const props = path.resolve(o.dataDir, 'server.properties');
  fs.writeFileSync(props, serverProperties(o, logDirs));
  const major = Number(o.version.split('.')[0]);
  const logConfig = path.resolve(o.dataDir, major >= 4 ? 'log4j2.yaml' : 'log4j.properties');
  fs.writeFileSync(logConfig, major >= 4 ? LOG4J2 : log4jProperties());
  const logFlag = major >= 4 ? `-Dlog4j2.configurationFile=${logConfig}` : `-Dlog4j.configuration=file:${logConfig}`;
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const classpath = `${libs}/*`;

  if (!fs.existsSync(path.join(logDirs, 'meta.properties'))) {
    const clusterId = execFileSync(java, ['-cp', classpath, logFlag, 'kafka.tools.StorageTool', 'random-uuid'])
      .toString()
      .trim()
      .split('\n')
      .pop();
    execFileSync(java, ['-cp', classpath, logFlag, 'kafka.tools.StorageTool', 'format', '-t', clusterId ?? '', '-c', props, '--ignore-formatted'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  const out = fs.openSync(path.resolve(o.dataDir, 'kafka.out'), 'a');
  const child = spawn(
    java,
    ['-Xms256m', '-Xmx512m', '-XX:+UseG1GC', '-Djava.awt.headless=true', logFlag, '-cp', classpath, 'kafka.Kafka', props],
    { detached: true, stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error('could not start java; is Java 17+ installed?');
  child.unref();
  fs.writeFileSync(pidFile(o.dataDir), String(child.pid));
  const pid = child.pid;
  const up = await waitFor(async () => !isAlive(pid) || (await canConnect(o.host, o.port)), 90_000);
  if (!up || !isAlive(pid)) {
    const tail = fs.readFileSync(path.resolve(o.dataDir, 'kafka.out'), 'utf8').split('\n').slice(-15).join('\n');
    throw new Error(`Kafka ${o.version} did not start on ${o.host}:${o.port}; last lines of ${o.dataDir}/kafka.out:\n${tail}`);
  }
  o.log(`Kafka ${o.version} started (pid ${pid}) on ${o.host}:${o.port}`);
  return pid;
}

/** Stops the broker started from this data folder: SIGTERM, then SIGKILL after 30 s. */
export async function stopBroker(dataDir: string, log: (line: string) => void): Promise<boolean> {
  const pid = runningBrokerPid(dataDir);
  if (pid === undefined) {
    fs.rmSync(pidFile(dataDir), { force: true });
    return false;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) await sleep(200);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  fs.rmSync(pidFile(dataDir), { force: true });
  log(`Kafka stopped (pid ${pid})`);
  return true;
}

/** SIGKILLs the broker, for fault tests. */
export function killBroker(dataDir: string): number | undefined {
  const pid = runningBrokerPid(dataDir);
  if (pid !== undefined) process.kill(pid, 'SIGKILL');
  return pid;
}
