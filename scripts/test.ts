/**
 * `npm test`: starts a Kafka broker and a database for the tests (on their own port and database,
 * so a running demo is left alone), runs the unit and integration tests (vitest) and the browser
 * tests (Playwright), stops what it started and ends with one summary line.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../lib/config';
import { startStack, type Stack } from '../lib/infra/stack';
import { runMain } from '../lib/main';
import { testEnvironment } from '../tests/support/test-env';

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

runMain(async () => {
  const env = testEnvironment(process.env);
  const cfg = parseConfig(env);
  const reports = path.resolve(cfg.DATA_DIR, 'reports');
  fs.rmSync(reports, { recursive: true, force: true });
  fs.mkdirSync(reports, { recursive: true });
  const log = (l: string) => console.log(`[test] ${l}`);

  log(`starting Kafka (${cfg.KAFKA_BROKERS.join(',')}) and PostgreSQL (database for tests) ...`);
  const stack: Stack = await startStack(cfg, log);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => void stop().then(() => process.exit(130)));
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

  await stop();

  const parts = [vitestCounts(vitestJson), playwrightCounts(pwJson)].filter((c): c is Counts => c !== undefined);
  const total = parts.reduce((a, c) => ({ passed: a.passed + c.passed, failed: a.failed + c.failed, skipped: a.skipped + c.skipped }), { passed: 0, failed: 0, skipped: 0 });
  const ok = vitestCode === 0 && pwCode === 0 && total.failed === 0 && total.passed > 0;
  if (!ok && total.failed === 0) total.failed = 1; // a runner failed outside any test (setup, config)
  console.log(`\n${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
  return ok ? 0 : 1;
});
