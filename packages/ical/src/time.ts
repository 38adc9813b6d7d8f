import ICAL from 'ical.js';

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

/**
 * A Time for the instant `ms` written the way `like` is written: same zone (TZID), UTC, or floating
 * (floating read in the default zone, as everywhere else here).
 */
export function timeLike(ms: number, like: Time, defaultZone: Timezone): Time {
  const utc = ICAL.Time.fromJSDate(new Date(ms), true);
  if (like.zone === ICAL.Timezone.utcTimezone) return utc;
  if (isFloating(like)) {
    const wall = utc.convertToZone(defaultZone);
    wall.zone = ICAL.Timezone.localTimezone;
    return wall;
  }
  return utc.convertToZone(like.zone);
}
