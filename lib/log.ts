/** Structured logging with pino. One root logger per process; modules take a child with a name. */
import pino, { type Logger } from 'pino';
import { config } from './config';

let root: Logger | undefined;

export function logger(name?: string): Logger {
  root ??= pino({
    level: config().LOG_LEVEL,
    base: { pid: process.pid },
    redact: { paths: ['*.password', '*.token', '*.authorization', 'DATABASE_URL', 'ADMIN_TOKEN'], censor: '[redacted]' },
  });
  return name ? root.child({ name }) : root;
}

export type { Logger };
