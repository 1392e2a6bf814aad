import { describe, expect, it } from 'vitest';
import { DelayBuffer, INVALID_KINDS, makeInvalid, OVERSIZED_BYTES } from './disorder';
import type { ClickstreamEvent } from '@/lib/events/schemas';

const event: ClickstreamEvent = { timestamp: '2023-09-25T14:30:00.000Z', userId: 'user-00001', eventType: 'pageView', sessionDuration: 10 };

describe('disorder', () => {
  it('releases held items in release-time order, ties in arrival order', () => {
    const b = new DelayBuffer<string>();
    [['c', 30], ['a', 10], ['b', 20], ['a2', 10], ['d', 40]].forEach(([item, t]) => b.push(item as string, t as number));
    expect(b.popDue(5)).toBeUndefined();
    const out: string[] = [];
    for (let x = b.popDue(30); x !== undefined; x = b.popDue(30)) out.push(x);
    expect(out).toEqual(['a', 'a2', 'b', 'c']);
    expect(b.size).toBe(1);
  });

  it('makes each invalid kind, the oversized one exactly 1 MiB', () => {
    for (const kind of INVALID_KINDS) expect(makeInvalid(kind, event).kind).toBe(kind);
    expect(makeInvalid('oversized', event).value.length).toBe(OVERSIZED_BYTES);
    expect(makeInvalid('empty', event).value.length).toBe(0);
  });
});
