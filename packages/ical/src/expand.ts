import ICAL from 'ical.js';

import { normaliseAddress, textValue } from './parse.js';
import { masterOccurrences, occurrenceEnd, openSeries, overrideKey, startOf, type Series } from './series.js';
import { occurrenceKey, toInstant } from './time.js';

type Component = ICAL.Component;
type Time = ICAL.Time;

/** One occurrence of a calendar object, as the clearing logic needs it. */
export interface ExpandedOccurrence {
  uid: string;
  /** Original start of this occurrence as UTC ISO string (e.g. '2026-03-02T09:00:00.000Z'), or 'YYYY-MM-DD' for all-day series; null for a non-recurring event */
  recurrenceId: string | null;
  start: Date;
  end: Date;
  allDay: boolean;
  /** The object has RRULE/RDATE (or overrides). */
  isRecurring: boolean;
  /** Comes from a RECURRENCE-ID component. */
  isOverride: boolean;
  /** '' if none. */
  summary: string;
  description: string | null;
  /** Email, 'mailto:' stripped, lower-cased. */
  organizer: string | null;
  /** The series' CREATED (the master's), fallback the master's DTSTAMP. */
  created: Date | null;
  dtstamp: Date | null;
  /** Of this occurrence (the override's if overridden). */
  status: 'TENTATIVE' | 'CONFIRMED' | 'CANCELLED' | null;
  /** The master VEVENT has STATUS:CANCELLED. */
  masterCancelled: boolean;
  /** TRANSP:TRANSPARENT. */
  transparent: boolean;
  /** PARTSTAT (upper-case, default NEEDS-ACTION) of the first ATTENDEE matching roomAddresses; null if the room is not an attendee. */
  roomPartstat: string | null;
}

/** What expandObject needs besides the object. */
export interface ExpandOptions {
  /** Window start (inclusive). */
  from: Date;
  /** Window end (exclusive). */
  to: Date;
  /** IANA zone for floating times and all-day dates (the calendar's zone). */
  defaultTimeZone: string;
  /** The room's calendar addresses (with or without 'mailto:'), to find its ATTENDEE. */
  roomAddresses: string[];
}

function dateValue(component: Component | null, name: string, series: Series): Date | null {
  const value = component?.getFirstPropertyValue(name);
  return value instanceof ICAL.Time ? new Date(toInstant(value, series.defaultZone)) : null;
}

function statusOf(component: Component | null): ExpandedOccurrence['status'] {
  const status = component ? textValue(component, 'status')?.toUpperCase() : undefined;
  return status === 'TENTATIVE' || status === 'CONFIRMED' || status === 'CANCELLED' ? status : null;
}

function roomPartstat(component: Component, rooms: Set<string>): string | null {
  for (const attendee of component.getAllProperties('attendee')) {
    const address = attendee.getFirstValue();
    if (typeof address !== 'string' || !rooms.has(normaliseAddress(address))) continue;
    const partstat = attendee.getParameter('partstat');
    return typeof partstat === 'string' && partstat !== '' ? partstat.toUpperCase() : 'NEEDS-ACTION';
  }
  return null;
}

function overlaps(start: number, end: number, from: number, to: number): boolean {
  // A zero-length event still occupies its instant (it is in the window if that instant is).
  return start < to && (end > from || (end === start && start >= from));
}

/**
 * Every occurrence of one calendar object (master + RECURRENCE-ID overrides) that overlaps
 * [from, to), sorted by start. Recurrences are expanded here, client-side, because server-side
 * expansion differs between CalDAV servers. Throws IcalError on unusable input.
 */
export function expandObject(ics: string, options: ExpandOptions): ExpandedOccurrence[] {
  const series = openSeries(ics, options.defaultTimeZone);
  const from = options.from.getTime();
  const to = options.to.getTime();
  const rooms = new Set(options.roomAddresses.map(normaliseAddress));
  const master = series.master;
  const seriesInfo = master ?? series.overrides[0] ?? null;
  const created = dateValue(seriesInfo, 'created', series) ?? dateValue(seriesInfo, 'dtstamp', series);
  const masterCancelled = statusOf(master) === 'CANCELLED';

  // Returns null outside the window, before reading anything else: long series are mostly outside it.
  const occurrence = (
    component: Component,
    start: Time,
    recurrenceId: string | null,
    isOverride: boolean,
    periodEnd: Time | null = null,
  ): ExpandedOccurrence | null => {
    const startMs = toInstant(start, series.defaultZone);
    const endMs = occurrenceEnd(series, component, start, periodEnd);
    if (!overlaps(startMs, endMs, from, to)) return null;
    const organizer = textValue(component, 'organizer') ?? (master ? textValue(master, 'organizer') : null);
    return {
      uid: series.uid,
      recurrenceId,
      start: new Date(startMs),
      end: new Date(endMs),
      allDay: start.isDate,
      isRecurring: series.recurring,
      isOverride,
      summary: textValue(component, 'summary') ?? '',
      description: textValue(component, 'description'),
      organizer: organizer === null ? null : normaliseAddress(organizer),
      created,
      dtstamp: dateValue(component, 'dtstamp', series),
      status: statusOf(component),
      masterCancelled,
      transparent: textValue(component, 'transp')?.toUpperCase() === 'TRANSPARENT',
      roomPartstat: roomPartstat(component, rooms),
    };
  };

  const result: ExpandedOccurrence[] = [];
  // Overrides are placed by their own DTSTART, so one moved into the window from outside it (or out
  // of it) is handled independently of where its original slot lies.
  const overridden = new Set<string>();
  for (const override of series.overrides) {
    const key = overrideKey(series, override);
    overridden.add(key);
    const item = occurrence(override, startOf(override), key, true);
    if (item) result.push(item);
  }
  if (master) {
    for (const { start, end } of masterOccurrences(master)) {
      if (toInstant(start, series.defaultZone) >= to) break;
      const key = series.recurring ? occurrenceKey(start, series.allDay, series.defaultZone) : null;
      if (key !== null && overridden.has(key)) continue;
      const item = occurrence(master, start, key, false, end);
      if (item) result.push(item);
    }
  }
  return result.sort((a, b) => a.start.getTime() - b.start.getTime());
}
