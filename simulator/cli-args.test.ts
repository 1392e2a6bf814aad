import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './cli-args';

describe('the simulator CLI flags', () => {
  it('parses the documented flags', () => {
    const r = parseCliArgs(['--rate', '2000', '--users', '500', '--seed', '42', '--count', '10', '--duration', '1.5', '--topic', 't.1', '--start-time', '2023-09-25T14:30:00']);
    expect(r).toEqual({
      ok: true,
      options: { rate: 2000, users: 500, seed: 42, count: 10, durationSeconds: 1.5, topic: 't.1', startTimeMs: Date.UTC(2023, 8, 25, 14, 30), lateFraction: 0, maxDelaySeconds: 30, invalidFraction: 0, help: false },
    });
    expect(parseCliArgs(['--late-fraction', '0.1', '--max-delay', '5', '--invalid-fraction', '.02', '-h'])).toMatchObject({
      ok: true,
      options: { lateFraction: 0.1, maxDelaySeconds: 5, invalidFraction: 0.02, help: true },
    });
  });

  it.each([
    [['--rate', 'fast'], /^--rate: must be a whole number from 1 to 100000 \(got "fast"\)$/],
    [['--rate', '0'], /^--rate: must be a whole number from 1 to 100000/],
    [['--rate', '100001'], /^--rate: /],
    [['--users', '-3'], /^--users: /],
    [['--seed', '1.5'], /^--seed: /],
    [['--count', '0'], /^--count: /],
    [['--duration', 'soon'], /^--duration: /],
    [['--topic', 'a b'], /^--topic: /],
    [['--start-time', 'yesterday'], /^--start-time: must be an ISO-8601 date-time/],
    [['--late-fraction', '2'], /^--late-fraction: must be a number from 0 to 1/],
    [['--rate'], /^--rate: needs a value$/],
    [['--help=yes'], /^--help: takes no value$/],
    [['--speed', '3'], /^unknown flag --speed$/],
    [['fast'], /^unexpected argument "fast"/],
  ])('rejects %j with one line naming the flag', (args, message) => {
    const r = parseCliArgs(args);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatch(message);
      expect(r.error).not.toContain('\n');
    }
  });
});
