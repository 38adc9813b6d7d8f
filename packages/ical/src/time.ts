import { offsetAt } from '@roombook/zones';
import ICAL from 'ical.js';

import { RuntimeTimezone } from './runtime-zone.js';

type Time = ICAL.Time;
type Timezone = ICAL.Timezone;
type Duration = ICAL.Duration;

const DAY_MS = 86_400_000;

/** A floating time (no TZID, no 'Z') — RFC 5545 says it is local wherever it is read. */
export function isFloating(time: Time): boolean {
  return !time.isDate && (time.zone === null || time.zone === ICAL.Timezone.localTimezone);
}

/** Wall-clock fields interpreted in `zone` (ignoring whatever zone `time` itself carries). */
function wallClockInstant(time: Time, zone: Timezone, midnight: boolean): number {
  const local = new ICAL.Time(
    {
      year: time.year,
      month: time.month,
      day: time.day,
      hour: midnight ? 0 : time.hour,
      minute: midnight ? 0 : time.minute,
      second: midnight ? 0 : time.second,
      isDate: false,
    },
    zone,
  );
  return local.toUnixTime() * 1000;
}

/**
 * The absolute instant (ms since epoch) of an iCalendar DATE or DATE-TIME. Floating times and DATE
 * values have no zone of their own, so they are read in the calendar's default zone (ical.js would use
 * the process's local zone, which is meaningless on a server).
 */
export function toInstant(time: Time, defaultZone: Timezone): number {
  if (time.isDate) return wallClockInstant(time, defaultZone, true);
  if (isFloating(time)) return wallClockInstant(time, defaultZone, false);
  return time.toUnixTime() * 1000;
}

/** 'YYYY-MM-DD' of a DATE (or of the date part of a DATE-TIME, as written). */
export function dateKey(time: Time): string {
  return `${String(time.year).padStart(4, '0')}-${String(time.month).padStart(2, '0')}-${String(time.day).padStart(2, '0')}`;
}

/**
 * The stable id of an occurrence: 'YYYY-MM-DD' in an all-day series, else the UTC ISO instant of the
 * original start. Overrides are matched to generated occurrences through this key, by instant rather
 * than by text, so a RECURRENCE-ID written in UTC still matches a DTSTART written with a TZID.
 */
export function occurrenceKey(time: Time, seriesAllDay: boolean, defaultZone: Timezone): string {
  if (seriesAllDay) return dateKey(time);
  return new Date(toInstant(time, defaultZone)).toISOString();
}

/**
 * `time` shifted by whole days on the calendar (nominal: a day across a DST change is 23 or 25 hours).
 */
export function addDays(time: Time, days: number): Time {
  const copy = time.clone();
  copy.adjust(days, 0, 0, 0);
  return copy;
}

/** Whole days from `a` to `b` by calendar date, ignoring time of day and zones. */
export function daysBetween(a: Time, b: Time): number {
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY_MS);
}

/**
 * End instant of an occurrence lasting `duration` from `start`. RFC 5545 §3.3.6: the week/day part is
 * nominal (added on the wall clock), the hour/minute/second part exact (added to the instant).
 */
export function endByDuration(start: Time, duration: Duration, defaultZone: Timezone): number {
  const sign = duration.isNegative ? -1 : 1;
  const days = sign * (duration.weeks * 7 + duration.days);
  const seconds = sign * (duration.hours * 3600 + duration.minutes * 60 + duration.seconds);
  return toInstant(addDays(start, days), defaultZone) + seconds * 1000;
}

/** The wall-clock Time in `zone` of UTC fields shifted by `offset` seconds. */
function shiftedTime(ms: number, offset: number, zone: Timezone): Time {
  const t = ICAL.Time.fromJSDate(new Date(ms + offset * 1000), true);
  return new ICAL.Time({ year: t.year, month: t.month, day: t.day, hour: t.hour, minute: t.minute, second: t.second, isDate: false }, zone);
}

/**
 * The wall-clock time in `zone` of the instant `ms`. Not ical.js's convertToZone: it looks up the
 * zone's offset with the *UTC* wall-clock fields, so in the hours after a transition it lands on the
 * wrong side of it (01:30Z on the day Berlin springs forward came out as 02:30, a time that does not
 * exist, instead of 03:30).
 */
export function zonedTime(ms: number, zone: Timezone): Time {
  if (zone instanceof RuntimeTimezone) return shiftedTime(ms, offsetAt(zone.zone, ms), zone);
  // A zone the object defines itself: take the offset that maps back to the instant.
  const guess = zone.utcOffset(shiftedTime(ms, 0, zone));
  const first = shiftedTime(ms, guess, zone);
  if (first.toUnixTime() * 1000 === ms) return first;
  const second = shiftedTime(ms, zone.utcOffset(first), zone);
  return second.toUnixTime() * 1000 === ms ? second : first;
}

/**
 * A Time for the instant `ms` written the way `like` is written: same zone (TZID), UTC, or floating
 * (floating read in the default zone, as everywhere else here).
 */
export function timeLike(ms: number, like: Time, defaultZone: Timezone): Time {
  if (like.zone === ICAL.Timezone.utcTimezone) return ICAL.Time.fromJSDate(new Date(ms), true);
  if (isFloating(like)) {
    const wall = zonedTime(ms, defaultZone);
    wall.zone = ICAL.Timezone.localTimezone;
    return wall;
  }
  return zonedTime(ms, like.zone);
}

/** Whether [start, end) lies in the window [from, to) as expansion counts it. */
export function overlapsWindow(start: number, end: number, from: number, to: number): boolean {
  // A zero-length event still occupies its instant (it is in the window if that instant is).
  return start < to && (end > from || (end === start && start >= from));
}
