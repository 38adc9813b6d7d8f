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
    objectId: object.href,
    uid: o.uid,
    recurrenceId: o.recurrenceId,
    // An object holding only overrides (the room was invited to single occurrences) is still a
    // series: a lost occurrence is declined or cancelled, never the whole object deleted.
    isRecurring: o.isRecurring || o.recurrenceId !== null,
    name: o.summary,
    start: o.start,
    end: o.end,
    created: o.created,
    dtstamp: o.dtstamp,
    status: o.status,
    masterCancelled: o.masterCancelled,
    roomPartstat: o.roomPartstat,
    transparent: o.transparent,
    description: o.description,
    organizer: o.organizer,
    prioritizedFlag: settings.isPriorityMarkValid({ uid: o.uid, ...o.markedSpan }, o.priorityMark),
  }));
}

/**
 * Why an object is unreadable, for the report: our own findings (an unknown zone, an inverted
 * occurrence) as they are, but never the parser's message, which quotes the object's text.
 */
function unreadableReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.startsWith('unparsable iCalendar data') ? 'unparsable iCalendar data' : message;
}
