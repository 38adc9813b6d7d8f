import type { Occurrence } from './types.js';

/** What the reason text needs to know about one side of a lost overlap. */
export interface ReasonParty {
  occurrence: Occurrence;
  prioritized: boolean;
  /** booking instant in epoch ms, +Infinity when unknown (see bookedAtMs) */
  bookedAt: number;
}

/** `"Finance Monthly" (2025-07-15T08:00:00.000Z–2025-07-15T10:00:00.000Z)` — UTC, as the plan compares instants. */
export function describeOccurrence(occurrence: Occurrence): string {
  return `"${occurrence.name}" (${occurrence.start.toISOString()}–${occurrence.end.toISOString()})`;
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
export function loserReason(loser: ReasonParty, winners: readonly ReasonParty[]): string {
  return winners
    .map((winner) => `overlaps ${describeOccurrence(winner.occurrence)}, ${whyWinnerKept(loser, winner)}`)
    .join('; ');
}
