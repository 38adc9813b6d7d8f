import type { Occurrence } from './types.js';

/**
 * The booking instant used to decide "who booked first" (design §5 step 4): series CREATED, else
 * DTSTAMP, as epoch ms. An occurrence with neither sorts after every dated one (+Infinity): an
 * event that cannot say when it was booked cannot claim to have been first.
 */
export function bookedAtMs(occurrence: Occurrence): number {
  const when = occurrence.created ?? occurrence.dtstamp;
  return when === null ? Number.POSITIVE_INFINITY : when.getTime();
}

/** Code-unit string comparison: locale independent, so every machine orders the same way. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Numeric order as -1, 0 or 1. Not `a - b`: epoch milliseconds are no small integers, so in code V8
 * has not optimized yet (a cold clear sorts before it is) every difference is a new heap number.
 */
export function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders nulls first, then strings by code unit. */
function compareNullableStrings(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return compareStrings(a, b);
}

/** The precomputed sort key of one occurrence for the walk of design §5 step 4. */
export interface WalkKey {
  prioritized: boolean;
  bookedAt: number;
  startMs: number;
  endMs: number;
  occurrence: Occurrence;
}

/**
 * Walk order (design §5 step 4): prioritized first, then booked earlier (CREATED, fallback
 * DTSTAMP, undated last), then UID. The rest only makes the order total, so the plan does not
 * depend on input order: start (a series' earlier occurrence first), object href, RECURRENCE-ID,
 * end, name. Same-instant bookings are therefore decided by UID, in code-unit order.
 */
export function compareWalk(a: WalkKey, b: WalkKey): number {
  if (a.prioritized !== b.prioritized) return a.prioritized ? -1 : 1;
  if (a.bookedAt !== b.bookedAt) return a.bookedAt < b.bookedAt ? -1 : 1;
  const x = a.occurrence;
  const y = b.occurrence;
  return (
    compareStrings(x.uid, y.uid) ||
    compareNumbers(a.startMs, b.startMs) ||
    compareStrings(x.objectId, y.objectId) ||
    compareNullableStrings(x.recurrenceId, y.recurrenceId) ||
    compareNumbers(a.endMs, b.endMs) ||
    compareStrings(x.name, y.name)
  );
}

/**
 * Report order for output lists: chronological (start, end), then UID, RECURRENCE-ID and object
 * href, so a human reads the plan in calendar order and it is identical for any input order.
 */
export function compareChronological(x: Occurrence, y: Occurrence): number {
  return (
    compareNumbers(x.start.getTime(), y.start.getTime()) ||
    compareNumbers(x.end.getTime(), y.end.getTime()) ||
    compareStrings(x.uid, y.uid) ||
    compareNullableStrings(x.recurrenceId, y.recurrenceId) ||
    compareStrings(x.objectId, y.objectId)
  );
}
