import { daysInMonth, type DateTimeFields } from '@roombook/zones';
import ICAL from 'ical.js';

import type { ExpandedOccurrence, ExpandOptions } from './expand.js';
import { normaliseAddress, type JcalComponent, type JcalProperty } from './parse.js';
import { RuntimeTimezone } from './runtime-zone.js';
import { overlapsWindow } from './time.js';
import { ianaZone, namedZone } from './timezones.js';

/**
 * The fast path of expandObject (issue 9): most objects of a room calendar are one VEVENT without
 * RDATE or overrides — a one-off booking, or a short series with a simple RRULE — and for those the
 * general path (ical.js Components and Properties over the whole tree, a Time per value and step,
 * RecurExpansion) costs several times what reading the handful of properties needed costs. This
 * reads them straight from ical.js's parsed structure (jCal; no iCalendar text is parsed here) and
 * gives exactly what the general path gives, or null whenever the object is anything but the plain
 * case, and then the general path decides — including every error it reports. A series is plain
 * only with FREQ=WEEKLY or DAILY, an INTERVAL and a COUNT, no EXDATE (see simpleRule).
 * `expand-single.test.ts` holds the two paths to the same answers on every fixture and on generated
 * variations of them.
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

/** textValue (parse.ts) of a property: ical.js hands out the raw jCal value for undecorated types. */
function textOf(property: JcalProperty | undefined): string | null {
  if (property === undefined || property.length <= 3) return null;
  // A decorated type would be decoded (and might throw) on the general path.
  if (decorated(property[2])) throw notPlain;
  const value = property[3];
  return typeof value === 'string' ? value : null;
}

/**
 * The decimal number written in `text` at [from, from + length), or -1 when any of it is not an
 * ASCII digit: what `\d{n}` in a regular expression accepts, without a match array and a string
 * per field for each of the ~35,000 values of a busy year (issue 9).
 */
function digitsAt(text: string, from: number, length: number): number {
  let value = 0;
  for (let i = from; i < from + length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** A DATE or DATE-TIME value as written: wall-clock fields, and how they are read (toInstant, time.ts). */
interface WallTime extends DateTimeFields {
  /** A DATE (midnight in the calendar's zone), UTC ('Z'), or in `zone` (its TZID's, or the calendar's when floating). */
  kind: 'date' | 'utc' | 'zoned';
  zone: RuntimeTimezone;
}

/**
 * The Time ical.js would decode from a DATE or DATE-TIME property, for values in canonical form only
 * (valid fields, years from 1000); anything else is not plain.
 */
function wallTimeOf(property: JcalProperty, defaultZone: RuntimeTimezone): WallTime {
  const type = property[2];
  const value = property[3];
  if (typeof value !== 'string' || (type !== 'date' && type !== 'date-time')) throw notPlain;
  // Only the canonical forms `YYYY-MM-DD` and `YYYY-MM-DDTHH:MM:SS` with an optional `Z`.
  const length = value.length;
  const utc = type === 'date-time' && length === 20 && value.charCodeAt(19) === 90; // 'Z'
  const layout =
    type === 'date'
      ? length === 10
      : (length === 19 || utc) && value[10] === 'T' && value[13] === ':' && value[16] === ':';
  if (!layout || value[4] !== '-' || value[7] !== '-') throw notPlain;
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  const hour = type === 'date' ? 0 : digitsAt(value, 11, 2);
  const minute = type === 'date' ? 0 : digitsAt(value, 14, 2);
  const second = type === 'date' ? 0 : digitsAt(value, 17, 2);
  // digitsAt's -1 fails the ranges below (every lower bound is 0 or more)
  const valid = hour >= 0 && minute >= 0 && second >= 0 && year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59 && second <= 59;
  if (!valid) throw notPlain;
  const time: WallTime = { year, month, day, hour, minute, second, kind: 'zoned', zone: defaultZone };
  if (type === 'date') time.kind = 'date';
  else if (utc) time.kind = 'utc';
  else {
    const tzid = property[1].tzid;
    if (tzid !== undefined) {
      // Every TZID of the object names a runtime zone (checked before): read with it, as resolveTimezones has ical.js do.
      const named = typeof tzid === 'string' && tzid !== '' ? namedZone(tzid) : null;
      if (!(named instanceof RuntimeTimezone)) throw notPlain;
      time.zone = named;
    }
  }
  return time;
}

/**
 * toInstant (time.ts) of `time` moved by whole days on the calendar (addDays: nominal days, the
 * wall-clock time kept), as ical.js reads it.
 */
function instantAt(time: WallTime, days: number): number {
  // Date.UTC carries a day past the month's end into the next month, as moving the date does, and
  // (years being 1000 or later, see wallTimeOf) is wallClockMs of the moved fields; the instant is
  // that wall clock minus the offset, as ical.js's Time#toUnixTime computes it — without a Date per
  // occurrence to read the moved fields back from.
  const date = time.kind === 'date';
  const local = Date.UTC(time.year, time.month - 1, time.day + days, date ? 0 : time.hour, date ? 0 : time.minute, date ? 0 : time.second);
  return time.kind === 'utc' ? local : local - time.zone.wallClockOffset(local) * 1000;
}

/** dateKey (time.ts) of `time` moved by whole days. */
function dateKeyAt(time: WallTime, days: number): string {
  return new Date(Date.UTC(time.year, time.month - 1, time.day + days)).toISOString().slice(0, 10);
}

/**
 * The rules simple enough to need no expansion machinery: FREQ=WEEKLY (no BYDAY: ical.js takes
 * DTSTART's weekday) or FREQ=DAILY, an INTERVAL, and a COUNT — instance k is DTSTART moved by
 * k·INTERVAL weeks or days on the wall clock. Anything else (UNTIL, BY-parts, no COUNT) is not plain.
 */
function simpleRule(property: JcalProperty): { stepDays: number; count: number } {
  const rule = property[3];
  if (property.length !== 4 || typeof rule !== 'object' || rule === null) throw notPlain;
  const { freq, interval = 1, count, ...rest } = rule as Record<string, unknown>;
  const integer = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 1_000;
  if (Object.keys(rest).length > 0 || !integer(interval) || !integer(count)) throw notPlain;
  if (freq === 'WEEKLY') return { stepDays: 7 * interval, count };
  if (freq === 'DAILY') return { stepDays: interval, count };
  throw notPlain;
}

/** dateValue (expand.ts): a DATE/DATE-TIME property's instant, null when absent or of another type. */
function dateOf(property: JcalProperty | undefined, defaultZone: RuntimeTimezone): number | null {
  if (property === undefined || property.length <= 3) return null;
  const type = property[2];
  return type === 'date' || type === 'date-time' ? instantAt(wallTimeOf(property, defaultZone), 0) : null;
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
 * expandObject's answer for a plain one-off event or simple series (one VEVENT, no RDATE, EXDATE,
 * RECURRENCE-ID or DURATION, at most a simple RRULE, canonical DATE/DATE-TIME values, every TZID a
 * runtime zone), or null for anything else.
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
  let rrule: JcalProperty | undefined;
  let exdate = false;
  // The first of each property read below, found in this one pass rather than a scan per name.
  let uidProperty: JcalProperty | undefined;
  let createdProperty: JcalProperty | undefined;
  let dtstampProperty: JcalProperty | undefined;
  let statusProperty: JcalProperty | undefined;
  let organizerProperty: JcalProperty | undefined;
  let summaryProperty: JcalProperty | undefined;
  let descriptionProperty: JcalProperty | undefined;
  let transpProperty: JcalProperty | undefined;
  let priorityProperty: JcalProperty | undefined;
  for (const property of properties) {
    switch (property[0]) {
      case 'uid':
        uidProperty ??= property;
        break;
      case 'created':
        createdProperty ??= property;
        break;
      case 'dtstamp':
        dtstampProperty ??= property;
        break;
      case 'status':
        statusProperty ??= property;
        break;
      case 'organizer':
        organizerProperty ??= property;
        break;
      case 'summary':
        summaryProperty ??= property;
        break;
      case 'description':
        descriptionProperty ??= property;
        break;
      case 'transp':
        transpProperty ??= property;
        break;
      case 'x-roombook-priority':
        priorityProperty ??= property;
        break;
      case 'rdate':
      case 'recurrence-id':
      case 'duration':
        throw notPlain;
      case 'rrule':
        if (rrule) throw notPlain;
        rrule = property;
        break;
      case 'exdate':
        exdate = true;
        break;
      case 'dtstart':
        dtstart ??= property;
        break;
      case 'dtend':
        dtend ??= property;
        break;
    }
  }
  // Without a rule EXDATE means nothing (the general path ignores it); with one it needs RecurExpansion.
  if (rrule && exdate) throw notPlain;
  const uid = textOf(uidProperty);
  if (uid === null || uid === '' || dtstart === undefined) throw notPlain;
  // As openSeries: the calendar's zone first (an unknown one is the caller's error), then the object's.
  const defaultZone = ianaZone(options.defaultTimeZone);
  if (!(defaultZone instanceof RuntimeTimezone) || !allZonesNamed(root)) throw notPlain;
  const rule = rrule ? simpleRule(rrule) : null;

  const start = wallTimeOf(dtstart, defaultZone);
  const allDay = start.kind === 'date';
  const firstStart = instantAt(start, 0);
  const created = dateOf(createdProperty, defaultZone) ?? dateOf(dtstampProperty, defaultZone);
  const status = statusOf(statusProperty);
  // endReader (series.ts): with DTEND, DATE to DATE is counted in days, anything else as the exact
  // span from DTSTART; without, a DATE lasts one day and a DATE-TIME no time.
  if (dtend !== undefined && dtend.length <= 3) throw notPlain;
  const end = dtend === undefined ? null : wallTimeOf(dtend, defaultZone);
  const endDays = end?.kind === 'date' && allDay ? Math.round((Date.UTC(end.year, end.month - 1, end.day) - Date.UTC(start.year, start.month - 1, start.day)) / 86_400_000) : null;
  const exactSpan = end !== null && endDays === null ? instantAt(end, 0) - firstStart : null;
  const endOf = (startMs: number, days: number) =>
    exactSpan !== null ? startMs + exactSpan : endDays !== null ? instantAt(start, days + endDays) : allDay ? instantAt(start, days + 1) : startMs;

  const from = options.from.getTime();
  const to = options.to.getTime();
  const result: ExpandedOccurrence[] = [];
  let fields: Omit<ExpandedOccurrence, 'recurrenceId' | 'start' | 'end' | 'dtstamp' | 'markedSpan'> | undefined;
  let dtstamp: number | null = null;
  for (let k = 0; k < (rule?.count ?? 1); k++) {
    const days = k * (rule?.stepDays ?? 0);
    const startMs = days === 0 ? firstStart : instantAt(start, days);
    if (startMs >= to) break;
    const endMs = endOf(startMs, days);
    if (!overlapsWindow(startMs, endMs, from, to)) continue;
    if (!fields) {
      const organizer = textOf(organizerProperty);
      dtstamp = dateOf(dtstampProperty, defaultZone);
      fields = {
        uid,
        allDay,
        isRecurring: rule !== null,
        isOverride: false,
        summary: textOf(summaryProperty) ?? '',
        description: textOf(descriptionProperty),
        organizer: organizer === null ? null : normaliseAddress(organizer),
        created: created === null ? null : new Date(created),
        status,
        masterCancelled: status === 'CANCELLED',
        transparent: textOf(transpProperty)?.toUpperCase() === 'TRANSPARENT',
        roomPartstat: roomPartstat(properties, rooms),
        priorityMark: textOf(priorityProperty),
      };
    }
    // A mark is the master's: it was made for the series' own first span (masterSpanOf in expand.ts).
    const markedStart = fields.priorityMark !== null ? firstStart : startMs;
    const markedEnd = fields.priorityMark !== null ? endOf(firstStart, 0) : endMs;
    const startDate = new Date(startMs);
    // Spelt out in the general path's order (expand.ts), so every occurrence shares one object shape.
    result.push({
      uid: fields.uid,
      recurrenceId: rule === null ? null : allDay ? dateKeyAt(start, days) : startDate.toISOString(),
      start: startDate,
      end: new Date(endMs),
      allDay,
      isRecurring: fields.isRecurring,
      isOverride: false,
      summary: fields.summary,
      description: fields.description,
      organizer: fields.organizer,
      created: fields.created,
      dtstamp: dtstamp === null ? null : new Date(dtstamp),
      status: fields.status,
      masterCancelled: fields.masterCancelled,
      transparent: fields.transparent,
      roomPartstat: fields.roomPartstat,
      priorityMark: fields.priorityMark,
      markedSpan: { start: new Date(markedStart), end: new Date(markedEnd) },
    });
  }
  return result;
}
