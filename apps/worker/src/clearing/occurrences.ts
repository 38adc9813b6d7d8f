import type { Occurrence } from '@roombook/booking';
import type { CalendarObject } from '@roombook/caldav';
import { expandObject, type TruncatedExpansion } from '@roombook/ical';

export interface ExpandedCalendar {
  occurrences: Occurrence[];
  unreadable: { href: string; error: string }[];
  /** Series the runaway guard cut off: reported, their later occurrences are unknown. */
  truncated: ({ href: string } & TruncatedExpansion)[];
}

export interface ExpandSettings {
  from: Date;
  to: Date;
  timeZone: string;
  roomAddresses: string[];
  /** Whether an X-ROOMBOOK-PRIORITY mark is genuine for that UID at that time (in this calendar). */
  isPriorityMarkValid: (booking: { uid: string; start: Date; end: Date }, mark: string | null) => boolean;
}

/**
 * Expands every fetched object client-side (design §5 step 1: never trust server expansion).
 * An object that cannot be parsed is reported and left alone rather than failing the clear.
 */
export function expandCalendar(objects: CalendarObject[], settings: ExpandSettings): ExpandedCalendar {
  const occurrences: Occurrence[] = [];
  const unreadable: { href: string; error: string }[] = [];
  const truncated: ExpandedCalendar['truncated'] = [];
  for (const object of objects) {
    try {
      occurrences.push(...expandOne(object, settings, (notice) => truncated.push({ href: object.href, ...notice })));
    } catch (error) {
      unreadable.push({ href: object.href, error: unreadableReason(error) });
    }
  }
  return { occurrences, unreadable, truncated };
}

export function expandOne(
  object: CalendarObject,
  settings: ExpandSettings,
  onTruncated?: (notice: TruncatedExpansion) => void,
): Occurrence[] {
  return expandStored(object, settings, onTruncated).map((o) => toOccurrence(object.href, o, settings.isPriorityMarkValid));
}

/**
 * One occurrence as the calendar store keeps it (calendar_objects.occurrences): everything the planner
 * reads except whether it is prioritized, which depends on the calendar's key and is decided at plan
 * time from `priorityMark` and `markedSpan`. Instants are epoch milliseconds (cheap to read back).
 */
export interface StoredOccurrence {
  uid: string;
  recurrenceId: string | null;
  isRecurring: boolean;
  name: string;
  start: number;
  end: number;
  created: number | null;
  dtstamp: number | null;
  status: Occurrence['status'];
  masterCancelled: boolean;
  roomPartstat: string | null;
  transparent: boolean;
  description: string | null;
  organizer: string | null;
  priorityMark: string | null;
  markedSpan: { start: number; end: number };
}

/** Expands one object into the store's form; throws (see {@link unreadableReason}) when it cannot be read. */
export function expandStored(
  object: CalendarObject,
  settings: Omit<ExpandSettings, 'isPriorityMarkValid'>,
  onTruncated?: (notice: TruncatedExpansion) => void,
): StoredOccurrence[] {
  const expanded = expandObject(object.data, {
    from: settings.from,
    to: settings.to,
    defaultTimeZone: settings.timeZone,
    roomAddresses: settings.roomAddresses,
    ...(onTruncated && { onTruncated }),
  });
  // Clients do write these; one must not stop the whole calendar's clear (the planner refuses them).
  const inverted = expanded.find((o) => o.end.getTime() < o.start.getTime());
  if (inverted) throw new Error(`an occurrence ends before it starts (${inverted.start.toISOString()} > ${inverted.end.toISOString()})`);
  return expanded.map((o) => ({
    uid: o.uid,
    recurrenceId: o.recurrenceId,
    // An object holding only overrides (the room was invited to single occurrences) is still a
    // series: a lost occurrence is declined or cancelled, never the whole object deleted.
    isRecurring: o.isRecurring || o.recurrenceId !== null,
    name: o.summary,
    start: o.start.getTime(),
    end: o.end.getTime(),
    created: o.created?.getTime() ?? null,
    dtstamp: o.dtstamp?.getTime() ?? null,
    status: o.status,
    masterCancelled: o.masterCancelled,
    roomPartstat: o.roomPartstat,
    transparent: o.transparent,
    description: o.description,
    organizer: o.organizer,
    priorityMark: o.priorityMark,
    markedSpan: { start: o.markedSpan.start.getTime(), end: o.markedSpan.end.getTime() },
  }));
}

/** The planner's occurrence from a stored one; a priority mark counts only when it verifies now. */
export function toOccurrence(
  href: string,
  o: StoredOccurrence,
  isPriorityMarkValid: ExpandSettings['isPriorityMarkValid'] | null,
): Occurrence {
  const start = new Date(o.start);
  const end = new Date(o.end);
  return {
    objectId: href,
    uid: o.uid,
    recurrenceId: o.recurrenceId,
    isRecurring: o.isRecurring,
    name: o.name,
    start,
    end,
    created: o.created === null ? null : new Date(o.created),
    dtstamp: o.dtstamp === null ? null : new Date(o.dtstamp),
    status: o.status,
    masterCancelled: o.masterCancelled,
    roomPartstat: o.roomPartstat,
    transparent: o.transparent,
    description: o.description,
    organizer: o.organizer,
    prioritizedFlag:
      o.priorityMark !== null && isPriorityMarkValid !== null
        ? isPriorityMarkValid({ uid: o.uid, start: new Date(o.markedSpan.start), end: new Date(o.markedSpan.end) }, o.priorityMark)
        : false,
  };
}

/**
 * Whether an occurrence lies in [from, to) as @roombook/ical's expansion decides it (a zero-length
 * occurrence counts when it starts inside): an expansion over a wider span, filtered by this, holds
 * exactly the occurrences an expansion over [from, to) gives.
 */
export function inWindow(o: { start: number; end: number }, from: number, to: number): boolean {
  return o.start < to && (o.end > from || (o.end === o.start && o.start >= from));
}

/**
 * Why an object is unreadable, for the report: our own findings (an unknown zone, an inverted
 * occurrence) as they are, but never the parser's message, which quotes the object's text.
 */
export function unreadableReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.startsWith('unparsable iCalendar data') ? 'unparsable iCalendar data' : message;
}
