import { describe, expect, it } from 'vitest';
import { parsePositionsArgs, UsageError } from './args';

describe('npm run positions flags', () => {
  it('lists by default, for the given topic', () => {
    expect(parsePositionsArgs([])).toEqual({ kind: 'list', topic: undefined });
    expect(parsePositionsArgs(['list', '--topic', 'a.b'])).toEqual({ kind: 'list', topic: 'a.b' });
  });

  it('resets one partition or all, to earliest, latest or an offset', () => {
    expect(parsePositionsArgs(['reset', '--partition', '3', '--to', 'earliest'])).toEqual({ kind: 'reset', topic: undefined, partitions: [3], to: 'earliest', force: false });
    expect(parsePositionsArgs(['reset', '--all', '--to', 'latest', '--topic', 't'])).toEqual({ kind: 'reset', topic: 't', partitions: 'all', to: 'latest', force: false });
    expect(parsePositionsArgs(['reset', '--partition', '2', '--to', 'earliest', '--force'])).toMatchObject({ force: true });
    expect(parsePositionsArgs(['reset', '--partition', '0', '--to', '12345678901234'])).toMatchObject({ to: 12345678901234n });
  });

  it('closes the open sessions of one partition or all', () => {
    expect(parsePositionsArgs(['close-sessions', '--partition', '3'])).toEqual({ kind: 'close-sessions', topic: undefined, partitions: [3] });
    expect(parsePositionsArgs(['close-sessions', '--all', '--topic', 't'])).toEqual({ kind: 'close-sessions', topic: 't', partitions: 'all' });
  });

  it.each([
    [['reset', '--to', 'earliest'], '--partition: which partition to reset (or --all)'],
    [['reset', '--partition', '1'], '--to: where to count from: earliest, latest or an offset'],
    [['reset', '--partition', 'x', '--to', 'earliest'], '--partition: must be a partition number, got "x"'],
    [['reset', '--partition', '1', '--all', '--to', 'earliest'], '--partition and --all: give one of them'],
    [['reset', '--partition', '1', '--to', 'soon'], '--to: must be earliest, latest or an offset, got "soon"'],
    [['list', '--to', 'earliest'], '--to: only for reset'],
    [['list', '--force'], '--force: only for reset'],
    [['rewind'], 'unknown command "rewind"; expected list, reset or close-sessions'],
    [['close-sessions'], '--partition: which partition to close the sessions of (or --all)'],
    [['close-sessions', '--partition', '1', '--to', 'earliest'], '--to: only for reset'],
    [['close-sessions', '--all', '--force'], '--force: only for reset'],
    [['list', '--topic', 'bad topic'], '--topic: must be 1-249 characters of letters, digits, ".", "_" or "-"'],
  ])('refuses %j with one line naming the flag', (argv, message) => {
    expect(() => parsePositionsArgs(argv)).toThrow(new UsageError(message));
  });

  it('names an unknown flag', () => {
    expect(() => parsePositionsArgs(['--partitoin', '1'])).toThrow(/partitoin/);
  });
});
