import { overlapsMs } from './overlap.js';

/** A half-open busy interval [startMs, endMs) on epoch milliseconds. */
export interface BusyMs {
  startMs: number;
  endMs: number;
}

/**
 * Free/busy of one calendar over a span (issue 12): the intervals that overlap [spanStart, spanEnd)
 * under the one overlap rule, clipped to the span, with overlapping and touching intervals merged
 * (a client asking "busy when?" has no use for the seam between two back-to-back meetings).
 * Empty or inverted intervals are ignored. Input order does not matter; the output is sorted.
 */
export function mergeBusy(intervals: Iterable<BusyMs>, spanStartMs: number, spanEndMs: number): BusyMs[] {
  const clipped: BusyMs[] = [];
  for (const { startMs, endMs } of intervals) {
    if (!(endMs > startMs) || !overlapsMs(startMs, endMs, spanStartMs, spanEndMs)) continue;
    clipped.push({ startMs: Math.max(startMs, spanStartMs), endMs: Math.min(endMs, spanEndMs) });
  }
  clipped.sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  const merged: BusyMs[] = [];
  for (const interval of clipped) {
    const last = merged[merged.length - 1];
    // <=: touching intervals join here, although they do not overlap for the clear.
    if (last && interval.startMs <= last.endMs) last.endMs = Math.max(last.endMs, interval.endMs);
    else merged.push({ ...interval });
  }
  return merged;
}

/** Whether any interval overlaps [spanStart, spanEnd) (touching is not overlapping): the room is not free for the span. */
export function busyDuring(intervals: Iterable<BusyMs>, spanStartMs: number, spanEndMs: number): boolean {
  for (const { startMs, endMs } of intervals) if (endMs > startMs && overlapsMs(startMs, endMs, spanStartMs, spanEndMs)) return true;
  return false;
}
