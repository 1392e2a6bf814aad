/**
 * spawnTs (tooling/process/children.ts) with extra Node flags before the entry point, for flags Node
 * refuses in NODE_OPTIONS (`--cpu-prof`). Same process-group and log-file handling, so stopChild
 * works on the result.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { spawnTs, type Child } from '@/tooling/process/children';

export function spawnNodeTs(name: string, entry: string, env: NodeJS.ProcessEnv, logDir: string, nodeFlags: string[]): Child {
  if (nodeFlags.length === 0) return spawnTs(name, entry, env, logDir);
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', entry], { env, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, process: child, logFile, exited };
}
