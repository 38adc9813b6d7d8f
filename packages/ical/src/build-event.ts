import { offsetAt } from '@roombook/zones';
import ical, { type ICalLuxonDateTimeStub } from 'ical-generator';

import { IcalError } from './errors.js';
import { runtimeZoneName } from './runtime-zone.js';
import { exdateLines } from './recurring-booking.js';
import { isUtcZoneId } from './tzid.js';
import { vtimezoneText, type ZoneRange } from './vtimezone.js';

/** What a new booking consists of. */
export interface BuildEventInput {
  /** Also the CalDAV resource name's stem; the API generates it. */
  uid: string;
  summary: string;
  start: Date;
  end: Date;
  /** IANA zone the times are written in; 'UTC' writes plain UTC ('Z') times. */
  timeZone: string;
  description?: string;
  /** 'user@example.org' or 'Name <user@example.org>'. */
  organizer?: string;
  created: Date;
  stamp: Date;
  /** Written as X-ROOMBOOK-PRIORITY: the worker's proof that the event was booked as prioritized. */
  priorityMark?: string;
  /** An RRULE value as parseBookingRrule returns it: the booking is a series. */
  rrule?: string;
  /** Occurrences (their starts) the series leaves out: EXDATE, written like DTSTART. */
  exdates?: readonly Date[];
}

/** Carries an API booking's priority; other clients keep X- properties when they edit an event. */
export const PRIORITY_PROPERTY = 'X-ROOMBOOK-PRIORITY';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * An instant seen in one zone, shaped like the Luxon DateTime ical-generator accepts. ical-generator
 * formats plain Dates with TZID using the *process's* local zone; this stub gives it the wall-clock
 * time in the event's zone instead, from the runtime's zone rules — the source of the VTIMEZONE
 * that goes into the file.
 */
class ZonedInstant implements ICalLuxonDateTimeStub {
  readonly zone = { type: 'iana' };
  readonly isValid = true;

  constructor(
    private readonly date: Date,
    /** The runtime's name of the zone. */
    private readonly timeZone: string,
  ) {}

  setZone(zone?: string): ICalLuxonDateTimeStub {
    return new ZonedInstant(this.date, zone ?? this.timeZone);
  }

  toFormat(format: string): string {
    const ms = this.date.getTime();
    const t = new Date(ms + offsetAt(this.timeZone, ms) * 1000);
    switch (format) {
      case 'yyyyLLdd':
        return `${pad(t.getUTCFullYear(), 4)}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}`;
      case 'HHmmss':
        return `${pad(t.getUTCHours())}${pad(t.getUTCMinutes())}${pad(t.getUTCSeconds())}`;
      default:
        throw new IcalError(`unsupported date format "${format}"`);
    }
  }

  toJSDate(): Date {
    return this.date;
  }

  toJSON(): string {
    return this.date.toISOString();
  }
}

function parseOrganizer(organizer: string): { name: string; email: string } {
  const match = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(organizer);
  const email = (match?.[2] ?? organizer).trim().replace(/^mailto:/i, '').toLowerCase();
  const name = match?.[1]?.replace(/^"(.*)"$/, '$1') || email;
  return { name, email };
}

/** Years past the later of the booking and its writing that a written VTIMEZONE describes exactly. */
export const VTIMEZONE_YEARS = 10;

/**
 * What the VTIMEZONE of a booking covers: from the start of the year of the earlier of its start and
 * its writing, to the end of the year VTIMEZONE_YEARS after the later of its end and its writing.
 * Yearly rules go on beyond that in the written RRULEs; only irregular changes stop there.
 */
export function vtimezoneRange(input: Pick<BuildEventInput, 'start' | 'end' | 'stamp'>): ZoneRange {
  const first = Math.min(input.start.getTime(), input.stamp.getTime());
  const last = Math.max(input.end.getTime(), input.stamp.getTime());
  return {
    // A day early, so the first observance starts before midnight of 1 January in every zone.
    from: Date.UTC(new Date(first).getUTCFullYear(), 0, 1) - 86_400_000,
    to: Date.UTC(new Date(last).getUTCFullYear() + VTIMEZONE_YEARS + 1, 0, 1),
  };
}

/**
 * Where the VTIMEZONE goes in ical-generator's text. ical-generator 10 folds its whole output one
 * character at a time, with a new TextEncoder per character (11 does not, but needs Node 22): about
 * 0.5 µs a character, and the VTIMEZONE is two thirds of a booking's text, built on the worker's way
 * to its PUT (issue 9). Its lines are ASCII, so vtimezoneText folds them by length, once per zone
 * and range, and the text goes in after ical-generator's folding.
 */
const VTIMEZONE_HERE = 'X-ROOMBOOK-VTIMEZONE:HERE';

/**
 * The iCalendar text of a new booking, ready for a CalDAV PUT: one VEVENT with DTSTART/DTEND in the
 * booking's zone (TZID + generated VTIMEZONE; UTC as 'Z' times), and no METHOD (RFC 4791 §4.1 forbids
 * it in calendar object resources). Throws IcalError for an unknown zone or end not after start.
 */
export function buildEvent(input: BuildEventInput): string {
  if (!(input.end.getTime() > input.start.getTime())) throw new IcalError('event end must be after its start');
  const utc = isUtcZoneId(input.timeZone);
  const zone = utc ? 'UTC' : runtimeZoneName(input.timeZone);
  if (zone === null) throw new IcalError(`unknown time zone "${input.timeZone}"`);
  const range = vtimezoneRange(input);
  const calendar = ical({
    prodId: { company: 'roombook', product: 'roombook', language: 'EN' },
    // The TZID is the name the booking gave (Europe/Kyiv stays Europe/Kyiv, even where the runtime's
    // canonical name is the older Europe/Kiev); its rules are the runtime's.
    timezone: utc ? null : { name: null, generator: () => VTIMEZONE_HERE },
  });
  calendar.createEvent({
    id: input.uid,
    summary: input.summary,
    start: utc ? input.start : new ZonedInstant(input.start, zone),
    end: utc ? input.end : new ZonedInstant(input.end, zone),
    timezone: utc ? null : input.timeZone,
    stamp: input.stamp,
    created: input.created,
    description: input.description ?? null,
    organizer: input.organizer ? parseOrganizer(input.organizer) : null,
    x: input.priorityMark ? [{ key: PRIORITY_PROPERTY, value: input.priorityMark }] : [],
  });
  const folded = calendar.toString();
  const text = utc ? folded : folded.replace(`${VTIMEZONE_HERE}\r\n`, () => vtimezoneText(input.timeZone, zone, range));
  if (input.rrule === undefined) return text;
  // ical-generator's own RRULE writer knows no BYMONTHDAY and writes EXDATE in the process's zone,
  // so the rule (already checked by parseBookingRrule) and its exceptions go in as lines.
  const lines = [`RRULE:${input.rrule}`, ...exdateLines(input.exdates ?? [], utc ? 'UTC' : zone, input.timeZone)];
  return text.replace(/\r\nEND:VEVENT\r\n/, `\r\n${lines.join('\r\n')}\r\nEND:VEVENT\r\n`);
}
