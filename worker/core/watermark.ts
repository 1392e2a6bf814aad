/**
 * Per-partition event-time progress, with Flink's bounded-out-of-orderness semantics: the
 * watermark is the maximum event time seen minus the bound. It only moves forward.
 */

export interface WatermarkSettings {
  outOfOrdernessMs: number;
}

/** The watermark after seeing an event at `eventTimeMs` (null: nothing seen yet). */
export function advanceWatermark(watermarkMs: number | null, eventTimeMs: number, s: WatermarkSettings): number {
  const candidate = eventTimeMs - s.outOfOrdernessMs;
  return watermarkMs === null ? candidate : Math.max(watermarkMs, candidate);
}
