/**
 * The overlap rule of design §5 step 3, on epoch milliseconds: half-open intervals [start, end)
 * overlap when each starts before the other ends. Touching intervals (one ends exactly when the
 * other starts) do not overlap, so back-to-back bookings are fine.
 */
export function overlapsMs(aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  return aStart < bEnd && bStart < aEnd;
}

/** {@link overlapsMs} for Date pairs (compared as instants, so time zones play no part). */
export function overlaps(a: { start: Date; end: Date }, b: { start: Date; end: Date }): boolean {
  return overlapsMs(a.start.getTime(), a.end.getTime(), b.start.getTime(), b.end.getTime());
}
