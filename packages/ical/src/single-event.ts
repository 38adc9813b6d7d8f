import ICAL from 'ical.js';

import type { ExpandedOccurrence, ExpandOptions } from './expand.js';
import { wallClockMs } from './intl-zone.js';
import { normaliseAddress, type JcalComponent, type JcalProperty } from './parse.js';
import { RuntimeTimezone } from './runtime-zone.js';
import { overlapsWindow } from './time.js';
import { ianaZone, namedZone } from './timezones.js';

/**
 * The one-off fast path of expandObject (issue 9): most objects of a room calendar are one VEVENT
 * without RRULE, RDATE or overrides, and for those the general path — ical.js Components and
 * Properties over the whole tree, a Time per value, the expansion machinery — costs several times
 * what reading the handful of properties needed costs. This reads them straight from ical.js's
 * parsed structure (jCal; no iCalendar text is parsed here) and gives exactly what the general path
 * gives, or null whenever the object is anything but the plain case, and then the general path
 * decides — including every error it reports. `expand-single.test.ts` holds the two paths to the
 * same answers on every fixture and on generated variations of them.
 */

/** Value types ical.js decorates (Time, Duration, Period…): their jCal text is never what a reader gets. */
function decorated(type: string): boolean {
  const values = ICAL.design.icalendar.value as Record<string, object | undefined>;
  const value = values[type];
  return value !== undefined && 'decorate' in value;
}

/** The general path's verdict is needed (see module comment). */
class NotPlain extends Error {}
const notPlain = new NotPlain();

function firstProperty(properties: readonly JcalProperty[], name: string): JcalProperty | undefined {
  for (const property of properties) if (property[0] === name) return property;
  return undefined;
}

/** textValue (parse.ts) of a property: ical.js hands out the raw jCal value for undecorated types. */
function textOf(property: JcalProperty | undefined): string | null {
  if (property === undefined || property.length <= 3) return null;
  // A decorated type would be decoded (and might throw) on the general path.
  if (decorated(property[2])) throw notPlain;
  const value = property[3];
  return typeof value === 'string' ? value : null;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(Z?)$/;

/** ms of a time with wall-clock fields and a UTC offset, computed as ical.js's Time#toUnixTime does. */
function unixMs(year: number, month: number, day: number, hour: number, minute: number, second: number, offset: number): number {
  return (Date.UTC(year, month - 1, day, hour, minute, second - offset) / 1000) * 1000;
}

interface Instant {
  ms: number;
  isDate: boolean;
  /** The value's date as written. */
  year: number;
  month: number;
  day: number;
}

/**
 * toInstant (time.ts) of the Time ical.js would decode from a DATE or DATE-TIME property, for values
 * in canonical form only (valid fields, years from 1000); anything else is not plain.
 */
function instantOf(property: JcalProperty, defaultZone: RuntimeTimezone): Instant {
  const type = property[2];
  const value = property[3];
  if (typeof value !== 'string' || (type !== 'date' && type !== 'date-time')) throw notPlain;
  const match = (type === 'date' ? DATE : DATE_TIME).exec(value);
  if (!match) throw notPlain;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const hour = Number(match[4] ?? 0);
  const minute = Number(match[5] ?? 0);
  const second = Number(match[6] ?? 0);
  const valid =
    year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate() &&
    hour <= 23 && minute <= 59 && second <= 59;
  if (!valid) throw notPlain;
  if (type === 'date') return { ms: midnight(year, month, day, defaultZone), isDate: true, year, month, day };
  if (match[7] === 'Z') return { ms: unixMs(year, month, day, hour, minute, second, 0), isDate: false, year, month, day };
  const tzid = property[1].tzid;
  let zone = defaultZone;
  if (tzid !== undefined) {
    // Every TZID of the object names a runtime zone (checked before): read with it, as resolveTimezones has ical.js do.
    const named = typeof tzid === 'string' && tzid !== '' ? namedZone(tzid) : null;
    if (!(named instanceof RuntimeTimezone)) throw notPlain;
    zone = named;
  }
  const offset = zone.wallClockOffset(wallClockMs(year, month, day, hour, minute, second));
  return { ms: unixMs(year, month, day, hour, minute, second, offset), isDate: false, year, month, day };
}

/** A DATE's start: midnight in the calendar's zone (toInstant of a DATE). */
function midnight(year: number, month: number, day: number, zone: RuntimeTimezone): number {
  return unixMs(year, month, day, 0, 0, 0, zone.wallClockOffset(wallClockMs(year, month, day, 0, 0, 0)));
}

/** dateValue (expand.ts): a DATE/DATE-TIME property's instant, null when absent or of another type. */
function dateOf(property: JcalProperty | undefined, defaultZone: RuntimeTimezone): number | null {
  if (property === undefined || property.length <= 3) return null;
  const type = property[2];
  return type === 'date' || type === 'date-time' ? instantOf(property, defaultZone).ms : null;
}

/** Whether every TZID outside the VTIMEZONEs names a runtime zone (else resolveTimezones' rules apply). */
function allZonesNamed(component: JcalComponent): boolean {
  if (component[0] === 'vtimezone') return true;
  for (const property of component[1]) {
    const tzid = property[1].tzid;
    if (typeof tzid === 'string' && tzid !== '' && namedZone(tzid) === null) return false;
  }
  return component[2].every(allZonesNamed);
}

function roomPartstat(properties: readonly JcalProperty[], rooms: ReadonlySet<string>): string | null {
  for (const property of properties) {
    if (property[0] !== 'attendee') continue;
    const address = textOf(property);
    if (address === null || !rooms.has(normaliseAddress(address))) continue;
    const partstat = property[1].partstat;
    return typeof partstat === 'string' && partstat !== '' ? partstat.toUpperCase() : 'NEEDS-ACTION';
  }
  return null;
}

function statusOf(property: JcalProperty | undefined): ExpandedOccurrence['status'] {
  const status = textOf(property)?.toUpperCase();
  return status === 'TENTATIVE' || status === 'CONFIRMED' || status === 'CANCELLED' ? status : null;
}

/**
 * expandObject's answer for a plain one-off event (one VEVENT, no RRULE/RDATE/RECURRENCE-ID/DURATION,
 * canonical DATE/DATE-TIME values, every TZID a runtime zone), or null for anything else.
 */
export function expandSingleEvent(root: JcalComponent, options: ExpandOptions, rooms: ReadonlySet<string>): ExpandedOccurrence[] | null {
  try {
    return expandPlain(root, options, rooms);
  } catch (error) {
    if (error === notPlain) return null;
    throw error;
  }
}

function expandPlain(root: JcalComponent, options: ExpandOptions, rooms: ReadonlySet<string>): ExpandedOccurrence[] {
  let event: JcalComponent | undefined;
  for (const component of root[2]) {
    if (component[0] !== 'vevent') continue;
    if (event) throw notPlain;
    event = component;
  }
  if (!event) throw notPlain;
  const properties = event[1];
  let dtstart: JcalProperty | undefined;
  let dtend: JcalProperty | undefined;
  for (const property of properties) {
    switch (property[0]) {
      case 'rrule':
      case 'rdate':
      case 'recurrence-id':
      case 'duration':
        throw notPlain;
      case 'dtstart':
        dtstart ??= property;
        break;
      case 'dtend':
        dtend ??= property;
        break;
    }
  }
  const uid = textOf(firstProperty(properties, 'uid'));
  if (uid === null || uid === '' || dtstart === undefined) throw notPlain;
  // As openSeries: the calendar's zone first (an unknown one is the caller's error), then the object's.
  const defaultZone = ianaZone(options.defaultTimeZone);
  if (!(defaultZone instanceof RuntimeTimezone) || !allZonesNamed(root)) throw notPlain;

  const start = instantOf(dtstart, defaultZone);
  const created = dateOf(firstProperty(properties, 'created'), defaultZone) ?? dateOf(firstProperty(properties, 'dtstamp'), defaultZone);
  const status = statusOf(firstProperty(properties, 'status'));
  // endReader (series.ts): DTEND (its instant, whether the span is counted in days or exactly),
  // else a DATE lasts one day and a DATE-TIME no time.
  let endMs: number;
  if (dtend !== undefined && dtend.length > 3) endMs = instantOf(dtend, defaultZone).ms;
  else if (dtend !== undefined) throw notPlain;
  else if (start.isDate) {
    const next = new Date(Date.UTC(start.year, start.month - 1, start.day + 1));
    endMs = midnight(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), defaultZone);
  } else endMs = start.ms;

  const from = options.from.getTime();
  const to = options.to.getTime();
  if (!overlapsWindow(start.ms, endMs, from, to)) return [];

  const organizer = textOf(firstProperty(properties, 'organizer'));
  const dtstamp = dateOf(firstProperty(properties, 'dtstamp'), defaultZone);
  return [
    {
      uid,
      recurrenceId: null,
      start: new Date(start.ms),
      end: new Date(endMs),
      allDay: start.isDate,
      isRecurring: false,
      isOverride: false,
      summary: textOf(firstProperty(properties, 'summary')) ?? '',
      description: textOf(firstProperty(properties, 'description')),
      organizer: organizer === null ? null : normaliseAddress(organizer),
      created: created === null ? null : new Date(created),
      dtstamp: dtstamp === null ? null : new Date(dtstamp),
      status,
      masterCancelled: status === 'CANCELLED',
      transparent: textOf(firstProperty(properties, 'transp'))?.toUpperCase() === 'TRANSPARENT',
      roomPartstat: roomPartstat(properties, rooms),
      priorityMark: textOf(firstProperty(properties, 'x-roombook-priority')),
      // A one-off's mark is its own master's: the marked span is the event's own.
      markedSpan: { start: new Date(start.ms), end: new Date(endMs) },
    },
  ];
}
