import { describe, expect, it } from 'vitest';
import { sinkLag } from './sink-lag';

const log = (logStart: bigint, logEnd: bigint) => ({ clusterId: 'c', logStart, logEnd });

describe('sinkLag', () => {
  it('sums each partition end minus the stored next offset', () => {
    expect(sinkLag(new Map([[0, log(0n, 100n)], [1, log(0n, 50n)]]), new Map([[0, 90n], [1, 50n]]))).toBe(10);
  });

  it('counts a partition with nothing stored from its log start, and never below zero', () => {
    expect(sinkLag(new Map([[0, log(20n, 100n)], [1, log(0n, 5n)]]), new Map<number, bigint | null>([[0, null], [1, 9n]]))).toBe(80);
    expect(sinkLag(new Map([[0, log(0n, 7n)]]), new Map())).toBe(7);
  });
});
