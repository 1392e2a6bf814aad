/**
 * The definitions of the derived per-day metrics, shared by the worker's core (which computes
 * them from accumulators) and the dashboard's queries (which compute them from stored counts).
 * Pure functions: no I/O.
 */

/** The most frequent event type; ties go to the event type name first in ascending order. */
export function mostCommonEvent(eventCounts: Record<string, number>): string | null {
  let best: string | null = null;
  let bestCount = 0;
  for (const [type, count] of Object.entries(eventCounts)) {
    if (count > bestCount || (count === bestCount && count > 0 && best !== null && type < best)) {
      best = type;
      bestCount = count;
    }
  }
  return best;
}

/** Click-through rate: clicks per page view, null when there were no page views. */
export function clickThroughRate(clicks: number, pageViews: number): number | null {
  return pageViews === 0 ? null : clicks / pageViews;
}
