/**
 * `npm test`: starts a Kafka broker and a database for the tests (on their own port and database,
 * so a running demo is left alone), runs the unit and integration tests (vitest) and the browser
 * tests (Playwright), stops what it started and ends with one summary line.
 *
 * Every process of the run carries CLICKSTREAM_TEST_RUN=<this run's id> in its environment. Once
 * the runners have finished and the stack is stopped, any process still carrying it outlived the
 * tests: it is named, killed, and the run fails.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseConfig } from '@/lib/config';
import { startStack, type Stack } from '@/tooling/infra/stack';
import { runMain } from '@/lib/run-main';
import { describeProcesses, findLeftovers, killProcesses, selfAndAncestors, type Marker } from '@/tooling/process/leftovers';
import { testEnvironment } from '@/tooling/test-env';

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', () => resolve(127));
  });
}

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

function vitestCounts(file: string): Counts | undefined {
  if (!fs.existsSync(file)) return undefined;
  const r = JSON.parse(fs.readFileSync(file, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
  return { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests };
}

function playwrightCounts(file: string): Counts | undefined {
  if (!fs.existsSync(file)) return undefined;
  const r = JSON.parse(fs.readFileSync(file, 'utf8')) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } };
  return { passed: r.stats.expected + r.stats.flaky, failed: r.stats.unexpected, skipped: r.stats.skipped };
}

/**
 * Kills the processes of this run that are still running (after a short grace for those already
 * on their way out) and names them. Returns how many there were.
 */
async function killLeftovers(marker: Marker): Promise<number> {
  const mine = selfAndAncestors();
  const leftovers = await findLeftovers(marker, mine);
  if (leftovers.length === 0) return 0;
  const what = leftovers.length === 1 ? '1 process' : `${leftovers.length} processes`;
  console.error(`\nerror: ${what} outlived the tests (killing them now: SIGKILL to each and its process group):`);
  for (const line of describeProcesses(leftovers)) console.error(`  ${line}`);
  const survivors = await killProcesses(leftovers, mine);
  if (survivors.length > 0) console.error(`error: still running after SIGKILL: pid ${survivors.join(', ')}`);
  return leftovers.length;
}

runMain(async () => {
  // Only the runners' environment: the broker and database the stack starts are stopped by stack.stop().
  const marker: Marker = { name: 'CLICKSTREAM_TEST_RUN', value: randomUUID() };
  const env: NodeJS.ProcessEnv = { ...testEnvironment(process.env), [marker.name]: marker.value };
  const cfg = parseConfig(env);
  const reports = path.resolve(cfg.DATA_DIR, 'reports');
  fs.rmSync(reports, { recursive: true, force: true });
  fs.mkdirSync(reports, { recursive: true });
  const log = (l: string) => console.log(`[test] ${l}`);

  log(`starting Kafka (${cfg.KAFKA_BROKERS.join(',')}) and PostgreSQL (database for tests) ...`);
  const stack: Stack = await startStack(cfg, log);
  // Stops the stack, then kills what outlived the tests; once, whether the run ends or is interrupted.
  let stopping: Promise<number> | undefined;
  const stop = () => (stopping ??= stack.stop().then(() => killLeftovers(marker)));
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => void stop().finally(() => process.exit(130)));
  }

  const bin = (name: string) => path.resolve('node_modules/.bin', name);
  const extra = process.argv.slice(2);
  const vitestJson = path.join(reports, 'vitest.json');
  const vitestCode = await run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`, ...extra], env);

  const e2eDir = path.resolve('tests/e2e');
  const hasE2e = fs.existsSync(e2eDir) && fs.readdirSync(e2eDir).some((f) => f.endsWith('.spec.ts'));
  const pwJson = path.join(reports, 'playwright.json');
  const pwCode = hasE2e && extra.length === 0
    ? await run(bin('playwright'), ['test', '--reporter=list,json'], { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson })
    : 0;

  const leftovers = await stop();

  const parts = [vitestCounts(vitestJson), playwrightCounts(pwJson)].filter((c): c is Counts => c !== undefined);
  const total = parts.reduce((a, c) => ({ passed: a.passed + c.passed, failed: a.failed + c.failed, skipped: a.skipped + c.skipped }), { passed: 0, failed: 0, skipped: 0 });
  const runnersOk = vitestCode === 0 && pwCode === 0 && total.failed === 0 && total.passed > 0;
  if (!runnersOk && total.failed === 0) total.failed = 1; // a runner failed outside any test (setup, config)
  if (leftovers > 0) total.failed += 1; // leaving processes behind is a failure of its own
  const ok = runnersOk && leftovers === 0;
  console.log(`\n${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
  return ok ? 0 : 1;
});
