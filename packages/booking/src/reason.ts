import { localIso } from './local-iso.js';
import type { Occurrence } from './types.js';

/** What the reason text needs to know about one side of a lost overlap. */
export interface ReasonParty {
  occurrence: Occurrence;
  prioritized: boolean;
  /** booking instant in epoch ms, +Infinity when unknown (see bookedAtMs) */
  bookedAt: number;
}

/**
 * `"Finance Monthly" (2025-07-15T10:00:00+02:00–2025-07-15T12:00:00+02:00)`: in the room's zone,
 * the form the report's items use, so a reason reads like the event beside it. Without a zone,
 * UTC instants (`2025-07-15T08:00:00.000Z`).
 */
export function describeOccurrence(occurrence: Occurrence, timeZone?: string): string {
  const at = (instant: Date) =>
    timeZone === undefined ? instant.toISOString() : localIso(instant, timeZone);
  return `"${occurrence.name}" (${at(occurrence.start)}–${at(occurrence.end)})`;
}

/** Why one winner kept the room over the loser, from the loser's point of view. */
function whyWinnerKept(loser: ReasonParty, winner: ReasonParty): string {
  if (winner.prioritized && !loser.prioritized) return 'which is prioritized';
  if (winner.bookedAt < loser.bookedAt) return 'booked earlier';
  if (winner.bookedAt === Number.POSITIVE_INFINITY) return 'neither has a booking date, so the UID decided';
  return 'booked at the same instant, so the UID decided';
}

/**
 * The human sentence of a loser (design §5 step 7 adds `reason` to the seed's report), e.g.
 * `overlaps "Finance Monthly" (2025-07-15T08:00:00.000Z–2025-07-15T10:00:00.000Z), booked earlier`.
 * Several winners are listed in walk order, separated by "; ".
 */
export function loserReason(loser: ReasonParty, winners: readonly ReasonParty[], timeZone?: string): string {
  return winners
    .map((winner) => `overlaps ${describeOccurrence(winner.occurrence, timeZone)}, ${whyWinnerKept(loser, winner)}`)
    .join('; ');
}
