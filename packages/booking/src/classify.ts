import type { Occurrence } from './types.js';

/**
 * How an occurrence takes part in clearing (design §5 step 2).
 * - `cancelled`: STATUS:CANCELLED — the organizer gave the room back.
 * - `declined`: the room's ATTENDEE has PARTSTAT=DECLINED — the room already refused it.
 * - `transparent`: TRANSP:TRANSPARENT — marked free, does not occupy the room.
 * - `active`: holds the room and takes part in overlap resolution.
 */
export type OccurrenceClass = 'cancelled' | 'declined' | 'transparent' | 'active';

/**
 * Classifies one occurrence. The checks run in the order of design §5 step 2, so an occurrence
 * that is both cancelled and declined counts as cancelled (which matters for a non-recurring
 * event: cancelled ones are deleted, declined ones are merely ignored).
 */
export function classify(occurrence: Occurrence): OccurrenceClass {
  if (occurrence.status === 'CANCELLED') return 'cancelled';
  if (occurrence.roomPartstat === 'DECLINED') return 'declined';
  if (occurrence.transparent) return 'transparent';
  return 'active';
}

/**
 * Whether the object this occurrence belongs to is a cancelled leftover to delete whole (design §5
 * step 2): a cancelled non-recurring event, or any occurrence of a series whose master is cancelled.
 * A cancelled single occurrence of a live series is not: only that occurrence is gone.
 */
export function marksObjectCancelled(occurrence: Occurrence): boolean {
  if (occurrence.masterCancelled) return true;
  return !occurrence.isRecurring && occurrence.status === 'CANCELLED';
}

/**
 * Whether an occurrence lies in the past: it ended at or before `nowMs`. Clearing never touches
 * the past (design §5), so such occurrences neither block nor lose. An occurrence in progress
 * (started before now, ends after) is not past.
 */
export function isPast(occurrence: Occurrence, nowMs: number): boolean {
  return occurrence.end.getTime() <= nowMs;
}
