import tzdata from '@touch4it/ical-timezones';
import ical, { type ICalLuxonDateTimeStub } from 'ical-generator';
import ICAL from 'ical.js';

import { IcalError } from './errors.js';
import { ianaZone, isUtcZoneId } from './timezones.js';

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
}

/** Carries an API booking's priority; other clients keep X- properties when they edit an event. */
export const PRIORITY_PROPERTY = 'X-ROOMBOOK-PRIORITY';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * An instant seen in one zone, shaped like the Luxon DateTime ical-generator accepts. ical-generator
 * formats plain Dates with TZID using the *process's* local zone; this stub gives it the wall-clock
 * time in the event's zone instead, computed from the same VTIMEZONE rules that go into the file.
 */
class ZonedInstant implements ICalLuxonDateTimeStub {
  readonly zone = { type: 'iana' };
  readonly isValid = true;

  constructor(
    private readonly date: Date,
    private readonly timeZone: string,
  ) {}

  setZone(zone?: string): ICalLuxonDateTimeStub {
    return new ZonedInstant(this.date, zone ?? this.timeZone);
  }

  toFormat(format: string): string {
    const t = ICAL.Time.fromJSDate(this.date, true).convertToZone(ianaZone(this.timeZone));
    switch (format) {
      case 'yyyyLLdd':
        return `${pad(t.year, 4)}${pad(t.month)}${pad(t.day)}`;
      case 'HHmmss':
        return `${pad(t.hour)}${pad(t.minute)}${pad(t.second)}`;
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

/**
 * The iCalendar text of a new booking, ready for a CalDAV PUT: one VEVENT with DTSTART/DTEND in the
 * booking's zone (TZID + generated VTIMEZONE; UTC as 'Z' times), and no METHOD (RFC 4791 §4.1 forbids
 * it in calendar object resources). Throws IcalError for an unknown zone or end not after start.
 */
export function buildEvent(input: BuildEventInput): string {
  if (!(input.end.getTime() > input.start.getTime())) throw new IcalError('event end must be after its start');
  const utc = isUtcZoneId(input.timeZone);
  if (!utc) ianaZone(input.timeZone); // fail early, with our error, for an unknown zone
  const calendar = ical({
    prodId: { company: 'roombook', product: 'roombook', language: 'EN' },
    timezone: utc ? null : { name: null, generator: (tz) => tzdata.getVtimezoneComponent(tz) },
  });
  calendar.createEvent({
    id: input.uid,
    summary: input.summary,
    start: utc ? input.start : new ZonedInstant(input.start, input.timeZone),
    end: utc ? input.end : new ZonedInstant(input.end, input.timeZone),
    timezone: utc ? null : input.timeZone,
    stamp: input.stamp,
    created: input.created,
    description: input.description ?? null,
    organizer: input.organizer ? parseOrganizer(input.organizer) : null,
    x: input.priorityMark ? [{ key: PRIORITY_PROPERTY, value: input.priorityMark }] : [],
  });
  return calendar.toString();
}
