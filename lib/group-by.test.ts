import { describe, expect, it } from 'vitest';
import { groupBy } from './group-by';

describe('groupBy', () => {
  it('groups by key, keeping the items’ order within each group and the keys’ first-seen order', () => {
    const groups = groupBy(['b1', 'a1', 'b2', 'c1', 'a2'], (s) => s[0]);
    expect([...groups.entries()]).toEqual([['b', ['b1', 'b2']], ['a', ['a1', 'a2']], ['c', ['c1']]]);
  });

  it('gives an empty map for no items', () => {
    expect(groupBy([], (x: number) => x).size).toBe(0);
  });
});
