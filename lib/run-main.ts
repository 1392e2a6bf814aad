/**
 * Entry-point wrapper: runs an async main and turns known errors into one clear line and exit 1,
 * instead of a stack trace.
 */
import { ConfigError } from './config';

/** An error whose message is meant for the person at the terminal, printed without a stack. */
export class UserFacingError extends Error {
  override readonly name = 'UserFacingError';
}

export function runMain(main: () => Promise<number | void>): void {
  main().then(
    (code) => {
      if (typeof code === 'number') process.exitCode = code;
    },
    (err: unknown) => {
      if (err instanceof ConfigError || err instanceof UserFacingError) {
        process.stderr.write(`error: ${err.message}\n`);
      } else {
        process.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      }
      process.exit(1);
    },
  );
}
