/**
 * `npm run soak` (not part of `npm test`): the whole system for --minutes (default 30) with the
 * simulator at --rate events/s (default 5,000) and a headless Chromium open on the overview.
 * Every 10 s it samples the worker's and the web server's resident memory (the web server embeds
 * the simulator), the worker group's lag and processed count (GET /api/pipeline), the simulator's
 * sent/failed counts and the page's connection badge. Errors counted: worker and web log lines at
 * level ≥ 50 (error, fatal) once the load has started, browser console errors and page errors, simulator sends reported as
 * failed, and samples where Kafka or PostgreSQL was reported unreachable.
 *
 * Verdict, after a warm-up (the first 10% of the run or 3 min, whichever is longer, at most half
 * the run): each process's memory at the end is within ±10% of its memory just after warm-up,
 * each taken as the median of a window of a sixth of the samples after warm-up (at least 3): a
 * Node process's RSS saw-tooths by ±10% with garbage collection, so three samples at each end
 * can catch opposite phases of it (the first 30-minute run did: +12.4% with 3-sample windows,
 * +1.0% with 26-sample ones, means +0.7%); the lag stays under a bound (30 s of events) and drains to 0 within
 * 60 s of stopping the simulator; no errors. Prints the samples, the figures and the verdict, and
 * exits 1 when any check fails.
 *
 * It starts what it needs: a Kafka broker on its own port (SOAK_KAFKA_BROKERS, default
 * 127.0.0.1:19592, data in .data/soak), a fresh database on the PostgreSQL server at DATABASE_URL
 * (dropped at the end), one worker and the production web server (port 3450-3499).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser } from '@playwright/test';
import { z } from 'zod';
import { runMain } from '@/lib/run-main';
import { spawnTs, stopChild, type Child } from '@/tooling/process/children';
import { ensureNextBuild, freePort, freePortIn, startWebServer, type WebServerProcess } from '@/tooling/process/web-server';
import { startOwnStack, type OwnStack } from '@/scripts/support/own-stack';
import { pipelineStatusSchema, type PipelineStatus } from '@/lib/contracts/pipeline-status';

const USAGE = `usage: npm run soak -- [--minutes N] [--rate N] [--users N]

  --minutes N   how long the simulator runs (default 30)
  --rate N      simulator events per second (default 5000)
  --users N     simulated users (default 5000)`;

const whole = (flag: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `--${flag} must be a whole number`)
    .transform(Number)
    .pipe(z.number().min(min, `--${flag} must be at least ${min}`).max(max, `--${flag} must be at most ${max}`));

const flagsSchema = z.object({
  minutes: whole('minutes', 1, 24 * 60).default(30),
  rate: whole('rate', 1, 100_000).default(5000),
  users: whole('users', 1, 1_000_000).default(5000),
  help: z.boolean().default(false),
});

const SAMPLE_MS = 10_000;
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

const log = (line: string) => console.log(`[soak] ${line}`);

interface Sample {
  t: number;
  workerRssMiB: number | null;
  webRssMiB: number | null;
  lag: number | null;
  processed: number;
  sent: number;
  failed: number;
  achievedRate: number;
  kafka: boolean;
  database: boolean;
  badge: string;
}

/** Resident memory of a process in MiB, from /proc (Linux). */
function rssMiB(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

/** Log lines of a pino JSON log at level ≥ 50 logged at or after `sinceMs`, and a few of them. */
function errorLines(file: string, sinceMs: number): { count: number; samples: string[] } {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { count: 0, samples: [] };
  }
  const samples: string[] = [];
  let count = 0;
  for (const line of text.split('\n')) {
    const m = /"level":(\d+),"time":(\d+)/.exec(line);
    if (m && Number(m[1]) >= 50 && Number(m[2]) >= sinceMs) {
      count++;
      if (samples.length < 3) samples.push(line.slice(0, 300));
    }
  }
  return { count, samples };
}

const median = (xs: (number | null)[]): number | null => {
  const v = xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
  return v.length === 0 ? null : (v[Math.floor((v.length - 1) / 2)] ?? null);
};

async function pipeline(url: string): Promise<PipelineStatus | undefined> {
  try {
    const r = await fetch(`${url}/api/pipeline`, { signal: AbortSignal.timeout(10_000) });
    return pipelineStatusSchema.parse(await r.json());
  } catch {
    return undefined;
  }
}

runMain(async () => {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: process.argv.slice(2),
      strict: true,
      allowPositionals: false,
      options: { minutes: { type: 'string' }, rate: { type: 'string' }, users: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }).values;
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message.split('\n')[0] ?? 'bad arguments'}\n${USAGE}\n`);
    return 2;
  }
  const parsed = flagsSchema.safeParse(values);
  if (!parsed.success) {
    process.stderr.write(`error: ${parsed.error.issues[0]?.message ?? 'bad arguments'}\n${USAGE}\n`);
    return 2;
  }
  const opts = parsed.data;
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }

  let stack: OwnStack | undefined;
  let worker: Child | undefined;
  let web: WebServerProcess | undefined;
  let browser: Browser | undefined;
  const cleanup = async () => {
    await browser?.close().catch(() => undefined);
    await web?.stop();
    if (worker) await stopChild(worker, 15_000);
    await stack?.stop();
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      log(`${sig}: cleaning up ...`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  try {
    const dataDir = path.resolve(process.env.SOAK_DATA_DIR ?? '.data/soak');
    stack = await startOwnStack({ name: 'soak', dataDir, kafkaBrokers: process.env.SOAK_KAFKA_BROKERS ?? '127.0.0.1:19592', log });
    const logDir = path.join(dataDir, 'logs', stack.runId);
    await ensureNextBuild(logDir);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      KAFKA_BROKERS: stack.cfg.KAFKA_BROKERS.join(','),
      DATABASE_URL: stack.cfg.DATABASE_URL,
      TOPIC_EVENTS: `soak.${stack.runId}.events`,
      TOPIC_DLQ: `soak.${stack.runId}.dlq`,
      TOPIC_LATE: `soak.${stack.runId}.late`,
      WORKER_GROUP_ID: `soak-${stack.runId}`,
      EVENTS_PARTITIONS: '6',
      SIMULATOR_AUTOSTART: 'false',
      NEXT_TELEMETRY_DISABLED: '1',
    };
    delete env.ADMIN_TOKEN;

    web = await startWebServer({ name: 'web', port: await freePortIn(3450, 3499), logDir, healthy: true, env });
    const url = web.url;
    worker = spawnTs('worker', 'worker/main.ts', { ...env, WORKER_METRICS_PORT: String(await freePort()) }, logDir);
    log(`web server ${url} (pid ${web.child.process.pid}), worker pid ${worker.process.pid}; logs in ${logDir}`);

    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_FLAGS });
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text().slice(0, 300));
    });
    page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message.slice(0, 300)}`));
    await page.goto(`${url}/`);

    const startedAtMs = Date.now();
    const start = await fetch(`${url}/api/simulation`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'start', rate: opts.rate, users: opts.users, seed: 42 }),
    });
    if (!start.ok) throw new Error(`could not start the simulator: HTTP ${start.status} ${await start.text()}`);
    const durationMs = opts.minutes * 60_000;
    // Warm-up: the first 10% of the run or 3 min, whichever is longer, but at most half the run.
    const warmupMs = Math.max(durationMs * 0.1, Math.min(180_000, durationMs / 2));
    log(`simulator at ${opts.rate}/s for ${opts.minutes} min (warm-up ${Math.round(warmupMs / 1000)} s), a browser on the overview; a sample every ${SAMPLE_MS / 1000} s`);

    const samples: Sample[] = [];
    const t0 = Date.now();
    const header = 't(s)   worker MiB  web MiB   lag        processed    sent         failed  rate/s  badge';
    console.log(header);
    while (Date.now() - t0 < durationMs) {
      await sleep(Math.min(SAMPLE_MS, durationMs - (Date.now() - t0)));
      const p = await pipeline(url);
      const badge = (await page.getByTestId('connection').innerText({ timeout: 5_000 }).catch(() => '?')).replace(/\s+/g, ' ').trim();
      const s: Sample = {
        t: Math.round((Date.now() - t0) / 1000),
        workerRssMiB: rssMiB(worker.process.pid),
        webRssMiB: rssMiB(web.child.process.pid),
        lag: p?.totalLag ?? null,
        processed: p?.processed ?? 0,
        sent: p?.simulator.sent ?? 0,
        failed: p?.simulator.failed ?? 0,
        achievedRate: p?.simulator.achievedRate ?? 0,
        kafka: p?.kafka.reachable ?? false,
        database: p?.database.reachable ?? false,
        badge,
      };
      samples.push(s);
      console.log(
        `${String(s.t).padEnd(7)}${String(s.workerRssMiB ?? '—').padEnd(12)}${String(s.webRssMiB ?? '—').padEnd(10)}${String(s.lag ?? '—').padEnd(11)}${String(s.processed).padEnd(13)}${String(s.sent).padEnd(13)}${String(s.failed).padEnd(8)}${String(Math.round(s.achievedRate)).padEnd(8)}${s.badge}`,
      );
    }

    const stopped = await fetch(`${url}/api/simulation`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'stop' }) });
    const final = (await stopped.json()) as { sent: number; failed: number };
    const drainStart = Date.now();
    let drained = false;
    let lastLag: number | null = null;
    while (Date.now() - drainStart < 60_000) {
      await sleep(1500); // Kafka's offsets are cached for 1 s: look after they moved on
      const p = await pipeline(url);
      lastLag = p?.totalLag ?? null;
      if (lastLag === 0 && (p?.processed ?? 0) >= final.sent) {
        drained = true;
        break;
      }
    }
    const drainSeconds = (Date.now() - drainStart) / 1000;
    const end = await pipeline(url);

    // ---- figures and verdict ----
    const after = samples.filter((s) => s.t * 1000 >= warmupMs);
    const window = Math.max(3, Math.floor(after.length / 6));
    const baseline = after.slice(0, window);
    const last = after.slice(-window);
    const mem = (pick: (s: Sample) => number | null) => {
      const b = median(baseline.map(pick));
      const e = median(last.map(pick));
      const change = b !== null && e !== null ? ((e - b) / b) * 100 : null;
      return { baseline: b, end: e, peak: Math.max(...samples.map((s) => pick(s) ?? 0)), change };
    };
    const workerMem = mem((s) => s.workerRssMiB);
    const webMem = mem((s) => s.webRssMiB);
    const lagBound = Math.max(10_000, opts.rate * 30);
    const maxLag = Math.max(0, ...after.map((s) => s.lag ?? 0));
    const lagUnknown = after.filter((s) => s.lag === null).length;
    const outages = samples.filter((s) => !s.kafka || !s.database).length;
    const notLive = samples.filter((s) => !/^Live$/.test(s.badge)).length;
    // Start-up (broker, topics, group coordinator) is not part of the soak: count from the start of the load.
    const workerLog = errorLines(worker.logFile, startedAtMs);
    const webLog = errorLines(web.child.logFile, startedAtMs);
    const elapsed = (samples.at(-1)?.t ?? 1) || 1;
    const achieved = final.sent / elapsed;

    const checks: { name: string; ok: boolean; detail: string }[] = [
      { name: 'enough samples after warm-up', ok: after.length >= 6, detail: `${after.length} samples` },
      { name: 'worker memory within ±10%', ok: workerMem.change !== null && Math.abs(workerMem.change) <= 10, detail: `${workerMem.baseline} → ${workerMem.end} MiB (${workerMem.change?.toFixed(1)}%), peak ${workerMem.peak} MiB` },
      { name: 'web server memory within ±10%', ok: webMem.change !== null && Math.abs(webMem.change) <= 10, detail: `${webMem.baseline} → ${webMem.end} MiB (${webMem.change?.toFixed(1)}%), peak ${webMem.peak} MiB` },
      { name: `lag bounded (≤ ${lagBound}) after warm-up`, ok: maxLag <= lagBound && lagUnknown === 0, detail: `max ${maxLag}${lagUnknown ? `, unknown in ${lagUnknown} samples` : ''}` },
      { name: 'lag drains to 0 after the simulator stops', ok: drained, detail: drained ? `in ${drainSeconds.toFixed(1)} s` : `still ${lastLag} after 60 s` },
      { name: 'simulator failed sends', ok: final.failed === 0, detail: String(final.failed) },
      { name: 'worker log lines at level ≥ 50', ok: workerLog.count === 0, detail: String(workerLog.count) },
      { name: 'web log lines at level ≥ 50', ok: webLog.count === 0, detail: String(webLog.count) },
      { name: 'browser console/page errors', ok: consoleErrors.length === 0, detail: String(consoleErrors.length) },
      { name: 'Kafka/PostgreSQL reported unreachable', ok: outages === 0, detail: `${outages} samples` },
      { name: 'page badge not Live', ok: notLive === 0, detail: `${notLive} samples` },
      { name: 'every sent event counted', ok: drained && (end?.processed ?? 0) >= final.sent, detail: `sent ${final.sent}, processed ${end?.processed ?? '?'}` },
    ];

    console.log('');
    console.log(`soak: ${opts.minutes} min at ${opts.rate} events/s target (achieved ${achieved.toFixed(0)}/s), ${opts.users} users; warm-up ${Math.round(warmupMs / 1000)} s; ${samples.length} samples`);
    console.log(`machine: ${os.availableParallelism()} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; simulator (inside the web server), worker, web server, Chromium, Kafka and PostgreSQL all on it`);
    for (const c of checks) console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
    for (const l of [...workerLog.samples, ...webLog.samples]) console.log(`  log sample: ${l}`);
    for (const e of consoleErrors.slice(0, 5)) console.log(`  browser error sample: ${e}`);
    const ok = checks.every((c) => c.ok);
    console.log(ok ? 'verdict: PASS' : `verdict: FAIL (${checks.filter((c) => !c.ok).map((c) => c.name).join('; ')})`);
    return ok ? 0 : 1;
  } finally {
    await cleanup();
  }
});
