/**
 * The lateness decision. An event is late when the end of its window plus the allowed lateness is
 * at or before the partition's watermark when the event arrives. A late event counts in no
 * aggregate (so a day always equals the sum of its minutes); the shell routes it to the late topic.
 */
import { windowEnd } from '@/lib/windows';

export interface LatenessSettings {
  windowSizeMs: number;
  allowedLatenessMs: number;
}

export function isLate(eventTimeMs: number, watermarkMs: number | null, s: LatenessSettings): boolean {
  return watermarkMs !== null && windowEnd(eventTimeMs, s.windowSizeMs) + s.allowedLatenessMs <= watermarkMs;
}

export function lateReason(eventTimeMs: number, watermarkMs: number, s: LatenessSettings): string {
  const end = windowEnd(eventTimeMs, s.windowSizeMs);
  return `late: window ending ${new Date(end).toISOString()} plus allowed lateness ${s.allowedLatenessMs} ms is at or before the watermark ${new Date(watermarkMs).toISOString()}`;
}
