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
  if (timeZone === undefined) return `"${occurrence.name}" (${occurrence.start.toISOString()}–${occurrence.end.toISOString()})`;
  return `"${occurrence.name}" (${localIso(occurrence.start, timeZone)}–${localIso(occurrence.end, timeZone)})`;
}

/** Why one winner kept the room over the loser, from the loser's point of view. */
function whyWinnerKept(loser: ReasonParty, winner: ReasonParty): string {
  if (winner.prioritized && !loser.prioritized) return 'which is prioritized';
  if (winner.bookedAt < loser.bookedAt) return 'booked earlier';
  if (winner.bookedAt === Number.POSITIVE_INFINITY) return 'neither has a booking date, so the UID decided';
  return 'booked at the same instant, so the UID decided';
}

/** One winner's part of a loser's reason: `overlaps "Finance Monthly" (…–…), booked earlier`. */
export function overlapPhrase(described: string, why: string): string {
  return `overlaps ${described}, ${why}`;
}

/**
 * The human sentence of a loser (design §5 step 7 adds `reason` to the seed's report), e.g.
 * `overlaps "Finance Monthly" (2025-07-15T08:00:00.000Z–2025-07-15T10:00:00.000Z), booked earlier`.
 * Several winners are listed in walk order, separated by "; ". `phrase` is overlapPhrase of the
 * winner's describeOccurrence (in the room's zone) and the why; the planner passes one that
 * remembers each winner's text, as one winner is named in the reasons of many losers.
 */
export function loserReason<P extends ReasonParty>(
  loser: P,
  winners: readonly P[],
  phrase: (winner: P, why: string) => string,
): string {
  let reason = '';
  for (let i = 0; i < winners.length; i++) {
    const winner = winners[i] as P;
    const part = phrase(winner, whyWinnerKept(loser, winner));
    reason = i === 0 ? part : `${reason}; ${part}`;
  }
  return reason;
}
