import { offsetAt, offsetForWallClock } from '@roombook/zones';
import ICAL from 'ical.js';

import { IcalError } from './errors.js';
import { expandObject } from './expand.js';
import { isUtcZoneId } from './tzid.js';

/** At most this many occurrences in a series booked through the API (a year of daily meetings). */
export const MAX_SERIES_OCCURRENCES = 366;

const ALLOWED_PARTS = new Set(['FREQ', 'INTERVAL', 'BYDAY', 'BYMONTHDAY', 'COUNT', 'UNTIL', 'WKST']);
const ALLOWED_FREQ = new Set(['DAILY', 'WEEKLY', 'MONTHLY']);

/** A booking's RRULE, checked and ready to write: UNTIL is an instant (written in UTC, RFC 5545 §3.3.10). */
export interface BookingRrule {
  /** the rule as written into the event */
  value: string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const utcStamp = (ms: number) => {
  const d = new Date(ms);
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
};

/**
 * Reads the RRULE a client sends with a booking: FREQ DAILY, WEEKLY or MONTHLY, optional INTERVAL,
 * BYDAY, BYMONTHDAY (and WKST), exactly one of COUNT or UNTIL. An UNTIL without `Z` is wall-clock
 * time in `timeZone` (a date alone: through the end of that day); it is rewritten in UTC, as RFC
 * 5545 requires with a zoned DTSTART. Throws IcalError with a sentence saying what is wrong.
 */
export function parseBookingRrule(text: string, timeZone: string): BookingRrule {
  const value = text.trim().replace(/^RRULE:/i, '');
  const parts = new Map<string, string>();
  for (const part of value.split(';')) {
    const [name, v, ...rest] = part.split('=');
    const key = (name ?? '').trim().toUpperCase();
    if (!key || v === undefined || rest.length > 0) throw new IcalError(`"${part}" is not a NAME=VALUE part of an RRULE`);
    if (!ALLOWED_PARTS.has(key)) throw new IcalError(`${key} is not supported (use FREQ, INTERVAL, BYDAY, BYMONTHDAY and COUNT or UNTIL)`);
    if (parts.has(key)) throw new IcalError(`${key} appears twice`);
    parts.set(key, v.trim().toUpperCase());
  }
  const freq = parts.get('FREQ');
  if (!freq || !ALLOWED_FREQ.has(freq)) throw new IcalError('FREQ must be DAILY, WEEKLY or MONTHLY');
  if (parts.has('COUNT') === parts.has('UNTIL')) throw new IcalError('give exactly one of COUNT or UNTIL');
  const count = parts.get('COUNT');
  if (count !== undefined && !/^[1-9]\d{0,5}$/.test(count)) throw new IcalError('COUNT must be a positive whole number');
  const interval = parts.get('INTERVAL');
  if (interval !== undefined && !/^[1-9]\d{0,3}$/.test(interval)) throw new IcalError('INTERVAL must be a positive whole number');
  const until = parts.get('UNTIL');
  if (until !== undefined) parts.set('UNTIL', untilInUtc(until, timeZone));
  const normalised = [...parts].map(([k, v]) => `${k}=${v}`).join(';');
  try {
    // ical.js checks BYDAY / BYMONTHDAY values and throws on nonsense.
    const recur = ICAL.Recur.fromString(normalised);
    if (recur.parts.BYDAY?.some((d) => !/^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.test(String(d)))) throw new Error('bad BYDAY');
    if (recur.parts.BYMONTHDAY?.some((d) => !Number.isInteger(Number(d)) || Number(d) === 0 || Math.abs(Number(d)) > 31)) throw new Error('bad BYMONTHDAY');
  } catch {
    throw new IcalError(`"${value}" is not a valid RRULE (BYDAY like MO,WE; BYMONTHDAY 1 to 31)`);
  }
  return { value: normalised };
}

function untilInUtc(until: string, timeZone: string): string {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(until);
  if (!match) throw new IcalError(`UNTIL "${until}" must be like 20250630, 20250630T170000 or 20250630T150000Z`);
  const [, y, mo, d, h, mi, s, z] = match;
  const dateOnly = h === undefined;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), dateOnly ? 23 : Number(h), dateOnly ? 59 : Number(mi), dateOnly ? 59 : Number(s));
  if (Number.isNaN(wall)) throw new IcalError(`UNTIL "${until}" is not a date`);
  if (z === 'Z' || isUtcZoneId(timeZone)) return utcStamp(wall);
  return utcStamp(wall - offsetForWallClock(timeZone, wall) * 1000);
}

/**
 * The occurrences a booking with this rule will have, expanded exactly as a clear expands the
 * written event (same code, same zone rules), so the check at booking time and the clear agree.
 * Stops after `limit` + 1 occurrences, enough to tell that a series is too long.
 */
export function seriesOccurrences(ics: string, timeZone: string, limit = MAX_SERIES_OCCURRENCES): { start: Date; end: Date; recurrenceId: string }[] {
  const occurrences: { start: Date; end: Date; recurrenceId: string }[] = [];
  const first = ICAL.Component.fromString(ics).getFirstSubcomponent('vevent')?.getFirstPropertyValue('dtstart');
  if (!(first instanceof ICAL.Time)) throw new IcalError('the booking has no DTSTART');
  // A year per 30 occurrences of the sparsest rule (monthly) would still be short for INTERVAL=12;
  // expanding in growing windows stops as soon as the limit is passed.
  let from = new Date(0);
  for (let years = 1; years <= 256 && occurrences.length <= limit; years *= 2) {
    const to = new Date(Date.UTC(new Date().getUTCFullYear() + years, 0, 1));
    const batch = expandObject(ics, { from, to, defaultTimeZone: timeZone, roomAddresses: [] });
    for (const o of batch) occurrences.push({ start: o.start, end: o.end, recurrenceId: o.recurrenceId ?? o.start.toISOString() });
    from = to;
  }
  return occurrences.slice(0, limit + 1);
}

/** EXDATE values for these instants, written like a DTSTART in `timeZone` (wall clock with TZID, or UTC). */
export function exdateLines(instants: readonly Date[], timeZone: string, tzid: string): string[] {
  return instants.map((instant) => {
    const ms = instant.getTime();
    if (isUtcZoneId(timeZone)) return `EXDATE:${utcStamp(ms)}`;
    return `EXDATE;TZID=${tzid}:${utcStamp(ms + offsetAt(timeZone, ms) * 1000).slice(0, -1)}`;
  });
}
