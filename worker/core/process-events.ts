/**
 * One partition's events, in offset order, through the event-time rules: each event is checked
 * against the watermark as it stands when the event arrives, then advances it. Deciding per event
 * (not per batch) is what makes the result independent of how the stream is split into batches.
 */
import { addEvent, createAggregate, type Aggregate, type CoreEvent } from './aggregate';
import { isLate, lateReason, type LatenessSettings } from './lateness';
import { advanceWatermark, type WatermarkSettings } from './watermark';

export type CoreSettings = WatermarkSettings & LatenessSettings;

export interface ProcessedEvents<E extends CoreEvent> {
  aggregate: Aggregate;
  /** Events counted in the aggregate. */
  counted: number;
  /** Events left out for lateness, with the reason and the watermark they met, in arrival order. */
  late: { event: E; reason: string; watermarkMs: number }[];
  /** The partition's watermark after these events. */
  watermarkMs: number | null;
}

export function processEvents<E extends CoreEvent>(watermarkMs: number | null, events: readonly E[], s: CoreSettings): ProcessedEvents<E> {
  const aggregate = createAggregate();
  const late: ProcessedEvents<E>['late'] = [];
  let watermark = watermarkMs;
  let counted = 0;
  for (const event of events) {
    if (watermark !== null && isLate(event.eventTimeMs, watermark, s)) {
      late.push({ event, reason: lateReason(event.eventTimeMs, watermark, s), watermarkMs: watermark });
    } else {
      addEvent(aggregate, event, s.windowSizeMs);
      counted += 1;
    }
    watermark = advanceWatermark(watermark, event.eventTimeMs, s);
  }
  return { aggregate, counted, late, watermarkMs: watermark };
}
