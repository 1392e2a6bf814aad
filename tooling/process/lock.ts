/** A pid lock file, so a second `npm run demo` says one is running instead of fighting over ports. */
import fs from 'node:fs';
import path from 'node:path';
import { isAlive } from '@/lib/wait';

export interface LockInfo {
  pid: number;
  url: string;
}

/** Takes the lock, or returns who holds it. A lock left by a dead process is taken over. */
export function acquireLock(file: string, info: LockInfo): { ok: true; release: () => void } | { ok: false; holder: LockInfo } {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(info), { flag: 'wx' });
      return {
        ok: true,
        release: () => {
          try {
            const current = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
            if (current.pid === info.pid) fs.rmSync(file, { force: true });
          } catch {
            // gone already
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder: LockInfo | undefined;
      try {
        holder = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
      } catch {
        holder = undefined;
      }
      if (holder && isAlive(holder.pid)) return { ok: false, holder };
      fs.rmSync(file, { force: true }); // stale
    }
  }
  throw new Error(`could not take the lock ${file}`);
}
