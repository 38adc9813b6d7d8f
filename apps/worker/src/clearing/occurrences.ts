import type { Occurrence } from '@roombook/booking';
import type { CalendarObject } from '@roombook/caldav';
import { expandObject } from '@roombook/ical';

export interface ExpandedCalendar {
  occurrences: Occurrence[];
  unreadable: { href: string; error: string }[];
}

export interface ExpandSettings {
  from: Date;
  to: Date;
  timeZone: string;
  roomAddresses: string[];
  /** Whether an X-ROOMBOOK-PRIORITY mark is genuine for that UID. */
  isPriorityMarkValid: (uid: string, mark: string | null) => boolean;
}

/**
 * Expands every fetched object client-side (design §5 step 1: never trust server expansion).
 * An object that cannot be parsed is reported and left alone rather than failing the clear.
 */
export function expandCalendar(objects: CalendarObject[], settings: ExpandSettings): ExpandedCalendar {
  const occurrences: Occurrence[] = [];
  const unreadable: { href: string; error: string }[] = [];
  for (const object of objects) {
    try {
      occurrences.push(...expandOne(object, settings));
    } catch (error) {
      unreadable.push({ href: object.href, error: (error as Error).message });
    }
  }
  return { occurrences, unreadable };
}

export function expandOne(object: CalendarObject, settings: ExpandSettings): Occurrence[] {
  const expanded = expandObject(object.data, {
    from: settings.from,
    to: settings.to,
    defaultTimeZone: settings.timeZone,
    roomAddresses: settings.roomAddresses,
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
    prioritizedFlag: settings.isPriorityMarkValid(o.uid, o.priorityMark),
  }));
}
