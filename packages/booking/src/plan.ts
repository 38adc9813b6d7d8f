import { findCancelledObjects } from './cancelled.js';
import { classify } from './classify.js';
import { OverlapIndex } from './overlap-index.js';
import { bookedAtMs, compareChronological, compareNumbers, compareWalk, type WalkKey } from './order.js';
import { PriorityMatcher } from './priority.js';
import { describeOccurrence, loserReason, overlapPhrase } from './reason.js';
import type { ClearingPlan, IgnoredOverlap, Loser, LoserAction, Occurrence, PlanInput } from './types.js';

/** A walk key plus its place in the overlap index and in the walk. */
interface Candidate extends WalkKey {
  /** position among candidates sorted by start: the slot in the OverlapIndex */
  slot: number;
  /** position in the walk; winners are listed in this order */
  rank: number;
  /**
   * describeOccurrence of it, made the first time a reason names it: a winner is named in the
   * reason of every occurrence it beats (issue 9: a busy year has ~12,000 losers, few winners).
   */
  described: string | null;
  /** its last reason phrase (overlapPhrase) and the why it was made for, shared by the losers it beat that way */
  phrase: string | null;
  phraseWhy: string | null;
}

/** One lost walk step, before losers of the same deleted object are merged. */
interface Loss {
  candidate: Candidate;
  winners: Candidate[];
  /** loserAction of the candidate's occurrence, decided once */
  action: LoserAction;
}

/**
 * Plans a clear of one room calendar (design §5 steps 2–4): which cancelled leftovers to delete,
 * which occurrences lose an overlap and how to remove them, and which prioritized overlaps to leave.
 * Pure and deterministic: the same occurrences in any order give the same plan; nothing is read
 * from the clock or the environment. Runs in O(n log n + k log n) for k reported overlaps.
 *
 * @throws RangeError when `now` or an occurrence's start/end is not a valid date, or an occurrence
 *   ends before it starts (RFC 5545 requires DTEND after DTSTART; the iCalendar layer must not
 *   produce such occurrences, and guessing an interval could delete the wrong booking).
 */
export function planClearing(input: PlanInput): ClearingPlan {
  const nowMs = input.now.getTime();
  if (Number.isNaN(nowMs)) throw new RangeError('planClearing: now is an invalid date');
  const matcher = new PriorityMatcher(input.priorityTokens);

  const keys = collapseDuplicates(input.occurrences, matcher);
  const cancelled = findCancelledObjects(keys, nowMs);

  // Only active, not-yet-ended occurrences of objects that stay take part (design §5 steps 2 and
  // "past events are never touched"): everything else neither blocks nor loses.
  const active = keys.filter(
    (key) =>
      !cancelled.objectIds.has(key.occurrence.objectId) &&
      classify(key.occurrence) === 'active' &&
      key.endMs > nowMs, // not past (isPast), on the instant read once already
  );

  const { candidates, bySlot } = assignSlotsAndRanks(active);
  const { losses, ignored } = walk(candidates, bySlot);

  return {
    deletedCancelled: cancelled.deleted,
    losers: buildLosers(losses, input.timeZone),
    ignored: ignored.sort(
      (a, b) =>
        compareChronological(a.occurrence, b.occurrence) || compareChronological(a.overlapsWith, b.overlapsWith),
    ),
  };
}

/** Precomputes the sort key of one occurrence, rejecting intervals the planner cannot order. */
function toCandidate(occurrence: Occurrence, matcher: PriorityMatcher): Candidate {
  const startMs = occurrence.start.getTime();
  const endMs = occurrence.end.getTime();
  if (Number.isNaN(startMs) || Number.isNaN(endMs) || endMs < startMs) {
    throw new RangeError(
      `planClearing: occurrence ${occurrence.uid} (${occurrence.recurrenceId ?? 'single'}) in ${occurrence.objectId} has an invalid start/end`,
    );
  }
  // Slot and rank are set once the candidates are known (assignSlotsAndRanks); one object per
  // occurrence from here on, so none is copied on the way.
  return {
    prioritized: matcher.isPrioritized(occurrence),
    bookedAt: bookedAtMs(occurrence),
    startMs,
    endMs,
    occurrence,
    slot: 0,
    rank: 0,
    described: null,
    phrase: null,
    phraseWhy: null,
  };
}

/**
 * Collapses repeated occurrences of the same object, UID and RECURRENCE-ID (an expansion that
 * yields an instant twice) to the one first in walk order, so a booking is never judged twice.
 * Copies of one UID in *different* objects are kept: each is its own object on the server and is
 * judged on its own (they never conflict with each other, as same-UID occurrences never do).
 * Occurrences are made candidates (toCandidate) in input order, so the first invalid one throws.
 */
function collapseDuplicates(occurrences: readonly Occurrence[], matcher: PriorityMatcher): Candidate[] {
  // In first-appearance order, a later duplicate that walks first taking the earlier one's place.
  const kept: Candidate[] = [];
  // By href first: most objects hold one occurrence, whose UID/RECURRENCE-ID key is then never built.
  const byObject = new Map<string, number | Map<string, number>>();
  // Each occurrence made a candidate here rather than in a pass of its own: in a cold process every
  // pass over a year's ~16,000 occurrences runs interpreted until the optimizer compiles it (issue 9).
  for (const occurrence of occurrences) {
    const key = toCandidate(occurrence, matcher);
    const objectId = occurrence.objectId;
    let inObject = byObject.get(objectId);
    if (inObject === undefined) {
      byObject.set(objectId, kept.push(key) - 1);
      continue;
    }
    if (typeof inObject === 'number') {
      inObject = new Map([[identityInObject(kept[inObject] as Candidate), inObject]]);
      byObject.set(objectId, inObject);
    }
    const identity = identityInObject(key);
    const index = inObject.get(identity);
    if (index === undefined) inObject.set(identity, kept.push(key) - 1);
    else if (compareWalk(key, kept[index] as Candidate) < 0) kept[index] = key;
  }
  return kept;
}

/** UID and RECURRENCE-ID: NUL cannot occur in a UID, so the joined key is unambiguous; '\u0001' marks "no RECURRENCE-ID". */
function identityInObject(key: Candidate): string {
  return `${key.occurrence.uid}\u0000${key.occurrence.recurrenceId ?? '\u0001'}`;
}

/**
 * Gives each candidate its slot (start order, for the overlap index) and its rank (walk order);
 * returns them in walk order and in slot order.
 */
function assignSlotsAndRanks(candidates: Candidate[]): { candidates: Candidate[]; bySlot: Candidate[] } {
  const bySlot = [...candidates].sort((a, b) => compareNumbers(a.startMs, b.startMs));
  for (let slot = 0; slot < bySlot.length; slot++) (bySlot[slot] as Candidate).slot = slot;
  candidates.sort(compareWalk);
  for (let rank = 0; rank < candidates.length; rank++) (candidates[rank] as Candidate).rank = rank;
  return { candidates, bySlot };
}

/**
 * The walk of design §5 step 4 over candidates in walk order. Accepted occurrences go into the
 * overlap index; rejected ones never do, so they block nothing (A overlaps B overlaps C, A beats B:
 * C is measured against A only).
 */
function walk(
  candidates: readonly Candidate[],
  bySlot: readonly Candidate[],
): { losses: Loss[]; ignored: IgnoredOverlap[] } {
  const starts = new Float64Array(bySlot.length);
  for (let slot = 0; slot < bySlot.length; slot++) starts[slot] = (bySlot[slot] as Candidate).startMs;
  const index = new OverlapIndex(starts);
  const losses: Loss[] = [];
  const ignored: IgnoredOverlap[] = [];
  const hits: number[] = [];

  for (const candidate of candidates) {
    const count = index.collect(candidate.startMs, candidate.endMs, hits);
    if (count === 0) {
      index.accept(candidate.slot, candidate.endMs);
      continue;
    }
    const winners: Candidate[] = [];
    for (let hit = 0; hit < count; hit++) {
      const other = bySlot[hits[hit] as number];
      // Occurrences of one series (same UID) never conflict: a series overlapping itself is the
      // organizer's business, and copies of one event in two objects are the same booking.
      if (other !== undefined && other.occurrence.uid !== candidate.occurrence.uid) winners.push(other);
    }
    if (winners.length > 1) winners.sort((a, b) => a.rank - b.rank);

    let keeps = winners.length === 0 || candidate.prioritized;
    // A loop, not winners.every(callback): a closure per overlap in the walk's hottest loop.
    for (let i = 0; keeps && i < winners.length; i++) keeps = (winners[i] as Candidate).prioritized;
    if (keeps) {
      index.accept(candidate.slot, candidate.endMs);
      for (const winner of winners) {
        ignored.push({ occurrence: candidate.occurrence, overlapsWith: winner.occurrence });
      }
    } else {
      losses.push({ candidate, winners, action: loserAction(candidate.occurrence) });
    }
  }
  return { losses, ignored };
}

/** How a loss is applied (design §5 step 5): never delete a whole series for one occurrence. */
function loserAction(occurrence: Occurrence): LoserAction {
  if (!occurrence.isRecurring) return 'delete';
  // Declining needs the room to be an ATTENDEE; in a shared calendar it is not, so cancel instead.
  return occurrence.roomPartstat !== null ? 'decline' : 'cancel';
}

/**
 * Turns losses into report entries. Deletions are per object, so losses of one deleted object
 * are merged into one entry (the first in walk order, with the union of winners).
 */
function buildLosers(losses: readonly Loss[], timeZone: string | undefined): Loser[] {
  const merged: Loss[] = [];
  const deleteByObject = new Map<string, Loss>();
  for (const loss of losses) {
    if (loss.action !== 'delete') {
      merged.push(loss);
      continue;
    }
    const objectId = loss.candidate.occurrence.objectId;
    const first = deleteByObject.get(objectId);
    if (first === undefined) {
      deleteByObject.set(objectId, loss);
      merged.push(loss);
    } else {
      // The walk made each loss its own winners array and nothing else holds it: merged in place.
      for (const winner of loss.winners) if (!first.winners.includes(winner)) first.winners.push(winner);
      first.winners.sort((a, b) => a.rank - b.rank);
    }
  }

  const phrase = (winner: Candidate, why: string): string => {
    if (winner.phraseWhy !== why || winner.phrase === null) {
      winner.described ??= describeOccurrence(winner.occurrence, timeZone);
      winner.phrase = overlapPhrase(winner.described, why);
      winner.phraseWhy = why;
    }
    return winner.phrase;
  };
  // Chronological report order on the precomputed instants (cheaper than re-reading Dates).
  merged.sort((a, b) => compareCandidatesChronologically(a.candidate, b.candidate));
  return merged.map(({ candidate, winners, action }): Loser => {
    const overlapsWith: Occurrence[] = [];
    // design §5 step 4: it was booked before a prioritized event that took the room from it.
    let isDeprioritized = false;
    for (const winner of winners) {
      overlapsWith.push(winner.occurrence);
      if (winner.prioritized && !candidate.prioritized && candidate.bookedAt < winner.bookedAt) isDeprioritized = true;
    }
    return {
      occurrence: candidate.occurrence,
      action,
      overlapsWith,
      isPrioritized: candidate.prioritized,
      isDeprioritized,
      reason: loserReason(candidate, winners, phrase),
    };
  });
}

/** {@link compareChronological} for candidates, using their precomputed start and end. */
function compareCandidatesChronologically(a: Candidate, b: Candidate): number {
  return compareNumbers(a.startMs, b.startMs) || compareNumbers(a.endMs, b.endMs) || compareChronological(a.occurrence, b.occurrence);
}
