import { offsetForWallClock } from './zone-offsets.js';

/**
 * Wall-clock date and time fields (month 1–12). As with Date.UTC, a field past its range carries into
 * the next (day 32 of January is 1 February, hour 24 the next day's 0), which is how days are added
 * on the wall clock. wallClock()'s answer is one.
 */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
  millisecond?: number;
}

/** The wall-clock fields of a local time as if they were UTC, in ms (years 0–99 included). */
export function wallClockMs(year: number, month: number, day: number, hour: number, minute: number, second: number, millisecond = 0): number {
  // Date.UTC allocates nothing (ical.js asks this for every offset); it reads years 0–99 as
  // 1900–1999, so those take the slow path.
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millisecond);
  return date.getTime();
}

/**
 * Wall-clock times this far from 1970 (ms) are still read: the zone's transitions are looked up a
 * year-long chunk around them, which must stay inside Date's ±8.64e15 ms.
 */
const MAX_LOCAL_MS = 8.64e15 - 2 * 366 * 86_400_000;

/**
 * The instant at which the wall clock of `timeZone` reads `local` (fields, or their ms as if UTC as
 * wallClockMs gives them), by RFC 5545 §3.3.5, which is also Temporal's 'compatible': a time that
 * occurs twice when clocks go back is its first occurrence; a time skipped when they go forward is
 * read with the offset before the gap, so it lands as far past the gap's end as it was past its
 * start (02:30 in Berlin's spring gap is 03:30 CEST). The Invalid Date for fields that are no time
 * (NaN) or lie beyond about year 275,000; a RangeError for a zone the runtime does not know.
 */
export function instantOfWallClock(local: LocalDateTime | number, timeZone: string): Date {
  const ms = typeof local === 'number'
    ? local
    : wallClockMs(local.year, local.month, local.day, local.hour ?? 0, local.minute ?? 0, local.second ?? 0, local.millisecond ?? 0);
  if (!(Math.abs(ms) <= MAX_LOCAL_MS)) return new Date(Number.NaN);
  return new Date(ms - offsetForWallClock(timeZone, ms) * 1000);
}
