/**
 * A process for lib/shutdown.test.ts: onShutdown with a 500 ms deadline and a cleanup that
 * `hang`s on a named step, is `done` at once, or `fail`s; a timer keeps the process alive
 * otherwise. Prints "ready" once the handlers are in place.
 */
import { onShutdown, stopStep } from '@/lib/shutdown';

const mode = process.argv[2];
// Keeps the process alive like a retrying client would, and ends an abandoned fixture after 15 s.
setTimeout(() => process.exit(3), 15_000);
onShutdown(
  async () => {
    if (mode === 'hang') await stopStep('the database', new Promise<never>(() => {}));
    if (mode === 'fail') throw new Error('the sink would not close');
  },
  { log: (line) => console.log(line), deadlineMs: 500 },
);
console.log('ready');
