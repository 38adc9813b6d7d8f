/**
 * Calendar days relative to today, for tests whose meaning depends on "now": the booking policy
 * refuses bookings in the past and a clear only looks from the start of today forward, so a test
 * that books on a literal date silently changes meaning (or fails) once that date has passed.
 *
 * Days are 'YYYY-MM-DD' strings, the form the API reads as wall-clock dates in a room's zone. The
 * default distance ahead keeps a run that crosses midnight (or a slow CI machine) on the same
 * side of "today", yet well inside the default clear horizon (365 days) and any days-ahead rule a
 * test sets itself.
 *
 * Written with @roombook/zones (the runtime's zone rules, as the code under test reads them) and UTC
 * day arithmetic rather than date-fns/date-fns-tz.
 */

import { offsetSecondsAt, wallClock } from '@roombook/zones';

const DAY_MS = 86_400_000;

/** How far ahead the helpers look by default: past any midnight a run crosses, inside every horizon. */
export const DAYS_AHEAD = 40;

/** The zone the test rooms are in (seedUser and the fixtures use Europe/Berlin). */
export const TEST_ZONE = 'Europe/Berlin';

/** The calendar day `offsetDays` after today in `timeZone`, as YYYY-MM-DD. */
export function futureDay(offsetDays: number = DAYS_AHEAD, timeZone: string = TEST_ZONE, now: Date = new Date()): string {
  const { year, month, day } = wallClock(now, timeZone);
  return new Date(Date.UTC(year, month - 1, day) + offsetDays * DAY_MS).toISOString().slice(0, 10);
}

/** `day` (YYYY-MM-DD) moved by whole calendar days. */
export function addDays(day: string, days: number): string {
  return new Date(utcMidnight(day) + days * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday of `day` (YYYY-MM-DD): 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: string): number {
  return ((new Date(utcMidnight(day)).getUTCDay() + 6) % 7) + 1;
}

/** The first day at least `offsetDays` ahead that falls on ISO `weekday` (1 = Monday … 7 = Sunday). */
export function futureWeekday(weekday: number, offsetDays: number = DAYS_AHEAD, timeZone: string = TEST_ZONE, now: Date = new Date()): string {
  if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7) throw new RangeError(`not an ISO weekday: ${weekday}`);
  const first = futureDay(offsetDays, timeZone, now);
  return addDays(first, (weekday - isoWeekday(first) + 7) % 7);
}

/** The first working day (Monday to Friday) at least `offsetDays` ahead. */
export function futureWorkday(offsetDays: number = DAYS_AHEAD, timeZone: string = TEST_ZONE, now: Date = new Date()): string {
  const first = futureDay(offsetDays, timeZone, now);
  const weekday = isoWeekday(first);
  return weekday <= 5 ? first : addDays(first, 8 - weekday);
}

/** YYYYMMDD of a YYYY-MM-DD day, the form of iCalendar DATE values and RRULE UNTIL. */
export function compactDay(day: string): string {
  return day.replaceAll('-', '');
}

/** The UTC instant (ISO-8601, as Date#toISOString) of wall-clock `time` (HH:MM) on `day` in `timeZone`, on a day without an offset change. */
export function wallClockIso(day: string, time: string, timeZone: string = TEST_ZONE): string {
  if (!/^\d{2}:\d{2}$/.test(time)) throw new RangeError(`not an HH:MM time: ${time}`);
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  return new Date(utcMidnight(day) + (hours * 60 + minutes - offsetAtNoon(timeZone, day)) * 60_000).toISOString();
}

/** Wall-clock `time` (HH:MM) on `day` with the zone's UTC offset that day, as the API writes times: YYYY-MM-DDTHH:MM:00+01:00. */
export function wallClockLocalIso(day: string, time: string, timeZone: string = TEST_ZONE): string {
  const offset = offsetAtNoon(timeZone, day);
  const abs = Math.abs(offset);
  const suffix = offset === 0 ? '+00:00' : `${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${day}T${time}:00${suffix}`;
}

/** A zone's next change of UTC offset: `day` is the local day it happens on, offsets in minutes east of UTC. */
export interface OffsetChange {
  day: string;
  before: number;
  after: number;
}

/**
 * The first day at least `offsetDays` ahead on which `timeZone` changes its UTC offset in the given
 * direction ('forward': clocks go forward, the offset grows — spring in Europe; 'back': it shrinks).
 * Throws when the zone has no such change within two years (a zone without summer time).
 */
export function nextOffsetChange(timeZone: string, direction: 'forward' | 'back', offsetDays: number = DAYS_AHEAD, now: Date = new Date()): OffsetChange {
  const first = futureDay(offsetDays, timeZone, now);
  // Offsets at local noon of consecutive days differ on the day of a change (changes happen at night).
  let before = offsetAtNoon(timeZone, addDays(first, -1));
  for (let i = 0; i < 2 * 366; i++) {
    const day = addDays(first, i);
    const after = offsetAtNoon(timeZone, day);
    if (after !== before && (after > before) === (direction === 'forward')) return { day, before, after };
    before = after;
  }
  throw new Error(`${timeZone} has no ${direction} offset change within two years of ${first}`);
}

/** Minutes east of UTC in `timeZone` at about noon local time of `day` (a day without an offset change, for exact answers). */
export function offsetAtNoon(timeZone: string, day: string): number {
  // 12:00 UTC is within a day of local noon everywhere, and on the right local day for |offset| < 12h.
  const seconds = offsetSecondsAt(utcMidnight(day) + DAY_MS / 2, timeZone);
  // the helpers write HH:MM offsets; a local mean time (before ~1900) has none
  if (seconds % 60 !== 0) throw new RangeError(`${timeZone} is ${seconds} s from UTC on ${day}, not whole minutes`);
  return seconds / 60;
}

function utcMidnight(day: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) throw new RangeError(`not a YYYY-MM-DD day: ${day}`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}
