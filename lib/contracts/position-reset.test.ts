import { describe, expect, it } from 'vitest';
import { refusalFix, SESSIONS_REFUSAL_PREFIX } from './position-reset';

describe('refusalFix', () => {
  it('names the reset for a position that does not fit the log', () => {
    const fix = refusalFix('clicks', 3, 'its stored position belongs to Kafka cluster A, not B');
    expect(fix).toContain('npm run positions -- reset --topic clicks --partition 3 --to earliest');
    expect(fix).not.toContain('close-sessions');
  });

  it('names close-sessions, never a reset, for sessions built with other settings (a reset would recount)', () => {
    const fix = refusalFix('clicks', 3, `${SESSIONS_REFUSAL_PREFIX} (session_state) were built with other settings: SESSION_GAP_MS was 20000 and is 60000 now`);
    expect(fix).toContain('npm run positions -- close-sessions --topic clicks --partition 3');
    expect(fix).not.toContain('reset');
  });
});
