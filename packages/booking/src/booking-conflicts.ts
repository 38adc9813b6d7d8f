import { classify, isPast, marksObjectCancelled } from './classify.js';
import { overlapsMs } from './overlap.js';
import { PriorityMatcher } from './priority.js';
import type { Occurrence } from './types.js';

/** One occurrence of a new booking (a single booking has one) that clashes, with what it clashes with. */
export interface ClashingSlot {
  start: Date;
  end: Date;
  /** the calendar's occurrences that hold the room at that time, by start */
  conflicts: Occurrence[];
}

export interface BookingCheckInput {
  /** the new booking's occurrences */
  slots: readonly { start: Date; end: Date }[];
  /** every occurrence the calendar holds in the window, as the clear expands them */
  existing: readonly Occurrence[];
  /** the new booking is prioritized: only prioritized occurrences block it */
  prioritized: boolean;
  /** active priority tokens valid for the calendar */
  priorityTokens: readonly string[];
  /** the number of clashing occurrences a series may skip (0 = none, as Exchange) */
  seriesMaxConflicts: number;
  /** whether the booking is a series (a single booking never skips its one occurrence) */
  isSeries: boolean;
  now: Date;
}

export type BookingCheck =
  /** write it; `skipped` (for a series) are the occurrences to leave out */
  | { verdict: 'accept'; skipped: ClashingSlot[] }
  /** write nothing; every clashing occurrence */
  | { verdict: 'reject'; clashes: ClashingSlot[] };

/**
 * Conflict evaluation at booking time (design §9), with the clear's rules so the two never
 * disagree: an existing occurrence blocks only when the clear would keep it against the new one —
 * cancelled, declined, transparent and already-ended occurrences never block, nor does anything in
 * a cancelled object; touching is not overlapping; a prioritized booking is blocked only by
 * prioritized ones (it wins against the rest in the clear that follows).
 */
export function checkBooking(input: BookingCheckInput): BookingCheck {
  const nowMs = input.now.getTime();
  const matcher = new PriorityMatcher(input.priorityTokens);
  const blockers = input.existing
    .filter((o) => !marksObjectCancelled(o) && classify(o) === 'active' && !isPast(o, nowMs))
    .filter((o) => !input.prioritized || matcher.isPrioritized(o))
    .sort((a, b) => a.start.getTime() - b.start.getTime() || a.uid.localeCompare(b.uid));
  const clashes: ClashingSlot[] = [];
  for (const slot of input.slots) {
    const s = slot.start.getTime();
    const e = slot.end.getTime();
    const conflicts = blockers.filter((o) => overlapsMs(s, e, o.start.getTime(), o.end.getTime()));
    if (conflicts.length > 0) clashes.push({ start: slot.start, end: slot.end, conflicts });
  }
  if (clashes.length === 0) return { verdict: 'accept', skipped: [] };
  const skippable = input.isSeries && clashes.length <= input.seriesMaxConflicts && clashes.length < input.slots.length;
  return skippable ? { verdict: 'accept', skipped: clashes } : { verdict: 'reject', clashes };
}
