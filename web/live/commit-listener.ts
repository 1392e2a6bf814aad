/**
 * The LISTEN bridge: a dedicated `pg` connection (the web server's only database access outside
 * Prisma, because Prisma cannot LISTEN) on COMMIT_CHANNEL. Each payload is validated with
 * commitNoticeSchema and handed to `onNotice`; anything else is logged and ignored. When the
 * connection is lost it reconnects with backoff (0.5 s doubling to 10 s), and `onReconnect` lets the
 * caller refresh everything, since notices sent while disconnected are gone.
 */
import pg from 'pg';
import type { Logger } from '@/lib/log';
import { COMMIT_CHANNEL, commitNoticeSchema, type CommitNotice } from '@/lib/contracts/commit-notice';

export interface CommitListener {
  readonly connected: boolean;
  close(): Promise<void>;
}

export interface CommitListenerOptions {
  databaseUrl: string;
  log: Logger;
  onNotice: (notice: CommitNotice) => void;
  onReconnect?: () => void;
}

export function parseNotice(payload: string | undefined): CommitNotice | undefined {
  if (payload === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  const parsed = commitNoticeSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

export function startCommitListener(o: CommitListenerOptions): CommitListener {
  let client: pg.Client | undefined;
  let closed = false;
  let connected = false;
  let delay = 500;
  let timer: NodeJS.Timeout | undefined;
  let everConnected = false;

  const schedule = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, delay);
    delay = Math.min(delay * 2, 10_000);
  };

  const lost = (c: pg.Client, reason: string) => {
    if (client !== c) return;
    client = undefined;
    connected = false;
    o.log.warn({ reason }, 'commit listener lost its connection; reconnecting');
    c.end().catch(() => undefined);
    schedule();
  };

  async function connect(): Promise<void> {
    if (closed) return;
    const c = new pg.Client({ connectionString: o.databaseUrl, connectionTimeoutMillis: 3000, keepAlive: true });
    client = c;
    c.on('error', (err) => lost(c, err.message));
    c.on('end', () => lost(c, 'connection ended'));
    c.on('notification', (msg) => {
      if (msg.channel !== COMMIT_CHANNEL) return;
      const notice = parseNotice(msg.payload);
      if (notice) o.onNotice(notice);
      else o.log.warn({ bytes: msg.payload?.length ?? 0 }, 'ignored a commit notice that does not match commitNoticeSchema');
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${COMMIT_CHANNEL}`);
      if (closed || client !== c) {
        await c.end().catch(() => undefined);
        return;
      }
      connected = true;
      delay = 500;
      if (everConnected) o.onReconnect?.();
      everConnected = true;
      o.log.info('listening for worker commits');
    } catch (err) {
      lost(c, err instanceof Error ? err.message : String(err));
    }
  }

  void connect();

  return {
    get connected() {
      return connected;
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = undefined;
      connected = false;
      await c?.end().catch(() => undefined);
    },
  };
}
