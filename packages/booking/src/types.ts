/**
 * Input and output shapes of the clearing planner (design §5 steps 2–4).
 * The planner only reads these; it never talks CalDAV, iCalendar or the clock.
 */

/** Status values the planner distinguishes (RFC 5545 VEVENT STATUS); anything else is `null`. */
export type OccurrenceStatus = 'TENTATIVE' | 'CONFIRMED' | 'CANCELLED';

/**
 * One expanded occurrence of a VEVENT in a room calendar, as produced by the iCalendar layer
 * (design §5 step 1). A non-recurring event yields exactly one occurrence.
 */
export interface Occurrence {
  /** identifies the calendar object (its href); losers are applied per object */
  objectId: string;
  /** iCalendar UID; all occurrences of one series share it */
  uid: string;
  /** original start of this occurrence (UTC ISO or 'YYYY-MM-DD'); null for non-recurring */
  recurrenceId: string | null;
  /** true when the object is a series (RRULE/RDATE); an orphan override is not */
  isRecurring: boolean;
  /** SUMMARY, for reports and mails */
  name: string;
  /** instant the occurrence starts (inclusive) */
  start: Date;
  /** instant the occurrence ends (exclusive) */
  end: Date;
  /** series CREATED (fallback DTSTAMP already applied by the caller) */
  created: Date | null;
  /** DTSTAMP of the VEVENT; used when `created` is null */
  dtstamp: Date | null;
  /** STATUS of this occurrence (an override's own STATUS, else the master's) */
  status: OccurrenceStatus | null;
  /** true when the series master has STATUS:CANCELLED (the whole series is cancelled) */
  masterCancelled: boolean;
  /** PARTSTAT of the room's ATTENDEE, null if the room is not an attendee */
  roomPartstat: string | null;
  /** TRANSP:TRANSPARENT — the event does not occupy the room */
  transparent: boolean;
  /** DESCRIPTION, searched for priority tokens */
  description: string | null;
  /** ORGANIZER address, for mails */
  organizer: string | null;
  /** booked through the API with prioritized:true by a key allowed to */
  prioritizedFlag?: boolean;
}

/** Everything {@link planClearing} needs: the window's occurrences, the calendar's active tokens, and "now". */
export interface PlanInput {
  /** all occurrences in the clearing window, in any order */
  occurrences: Occurrence[];
  /** active priority tokens valid for this calendar (empty strings are ignored) */
  priorityTokens: string[];
  /** the instant clearing runs at; anything that ended at or before it is the past */
  now: Date;
  /** IANA zone the reasons print times in (the room's zone); UTC instants when absent */
  timeZone?: string;
}

/**
 * What to do with a losing occurrence (design §5 step 5): delete a non-recurring object; for one
 * occurrence of a series, decline it as the room attendee, or cancel it when the room is not invited.
 */
export type LoserAction = 'delete' | 'decline' | 'cancel';

/** A calendar object to delete because its organizer cancelled it (`deleted_cancelled_events`). */
export interface DeletedCancelled {
  /** the object to delete, once */
  objectId: string;
  /** its UID */
  uid: string;
  /** the representative occurrence: the earliest one of the object that ends after `now` */
  occurrence: Occurrence;
}

/** An occurrence that loses the room, with what to do about it and why. */
export interface Loser {
  /** the losing occurrence */
  occurrence: Occurrence;
  /** how the loss is applied to its calendar object */
  action: LoserAction;
  /** accepted winners it overlaps, in walk order (the ones that beat it) */
  overlapsWith: Occurrence[];
  /** whether the loser itself is prioritized (seed mail variable `is_priorized`) */
  isPrioritized: boolean;
  /** booked earlier than a prioritized winner that beat it (seed mail variable `is_deprioritized`) */
  isDeprioritized: boolean;
  /** a short English sentence for humans */
  reason: string;
}

/** Two prioritized occurrences that overlap and are both kept (`ignored_overlapping_events`). */
export interface IgnoredOverlap {
  /** the occurrence accepted later in the walk */
  occurrence: Occurrence;
  /** the prioritized occurrence accepted before it that it overlaps */
  overlapsWith: Occurrence;
}

/** The outcome of planning a clear: what to delete, decline or cancel, and what to leave alone. */
export interface ClearingPlan {
  /** cancelled objects to delete, one per object, sorted by start */
  deletedCancelled: DeletedCancelled[];
  /** occurrences that lose the room, one per occurrence (one per object for deletions), sorted by start */
  losers: Loser[];
  /** prioritized overlaps left alone, sorted by start */
  ignored: IgnoredOverlap[];
}
