import { describe, expect, it } from 'vitest';
import { addEvent, createAggregate, extractDailyMetrics, mergeAggregates } from './aggregate';

const at = (iso: string) => Date.parse(iso);

describe('aggregation', () => {
  it('counts the seed event', () => {
    const agg = createAggregate();
    addEvent(agg, { userId: 'user123', eventType: 'pageView', eventTimeMs: at('2023-09-25T14:30:00Z'), sessionDuration: 180 }, 60_000);
    const [day] = [...agg.userDays.values()];
    expect(extractDailyMetrics(day!)).toEqual({
      userId: 'user123',
      day: '2023-09-25',
      eventCount: 1,
      timeSpentSeconds: 180,
      eventCounts: { pageView: 1 },
      mostCommonEvents: ['pageView'],
      clicks: 0,
      pageViews: 1,
      clicksPerPageView: 0,
      firstEventAt: '2023-09-25T14:30:00.000Z',
      lastEventAt: '2023-09-25T14:30:00.000Z',
    });
    expect([...agg.userWindows.values()]).toEqual([{ userId: 'user123', windowStartMs: at('2023-09-25T14:30:00Z'), eventCount: 1, timeSpentSeconds: 180 }]);
    expect([...agg.globalWindows.values()]).toEqual([{ windowStartMs: at('2023-09-25T14:30:00Z'), eventType: 'pageView', count: 1 }]);
  });

  it('splits days at UTC midnight and tracks first and last event', () => {
    const agg = createAggregate();
    for (const iso of ['2023-09-25T23:59:59Z', '2023-09-25T10:00:00Z', '2023-09-26T00:00:00Z']) {
      addEvent(agg, { userId: 'u', eventType: 'click', eventTimeMs: at(iso), sessionDuration: 1 }, 60_000);
    }
    const days = [...agg.userDays.values()].map(extractDailyMetrics);
    expect(days.map((d) => [d.day, d.eventCount, d.firstEventAt, d.lastEventAt])).toEqual([
      ['2023-09-25', 2, '2023-09-25T10:00:00.000Z', '2023-09-25T23:59:59.000Z'],
      ['2023-09-26', 1, '2023-09-26T00:00:00.000Z', '2023-09-26T00:00:00.000Z'],
    ]);
    expect(days[0]?.clicksPerPageView).toBeNull();
  });

  it('merges without changing its inputs', () => {
    const a = createAggregate();
    const b = createAggregate();
    addEvent(a, { userId: 'u', eventType: 'click', eventTimeMs: at('2023-09-25T10:00:00Z'), sessionDuration: 5 }, 60_000);
    addEvent(b, { userId: 'u', eventType: 'click', eventTimeMs: at('2023-09-25T10:00:30Z'), sessionDuration: 7 }, 60_000);
    const m = mergeAggregates(a, b);
    expect([...m.userWindows.values()][0]).toMatchObject({ eventCount: 2, timeSpentSeconds: 12 });
    expect([...m.userDays.values()][0]?.eventCounts).toEqual({ click: 2 });
    expect([...a.userDays.values()][0]?.eventCounts).toEqual({ click: 1 });
  });
});
