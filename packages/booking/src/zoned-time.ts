/**
 * Wall-clock readings of an instant in a zone, from the runtime's own zone rules through
 * @roombook/zones: the source @roombook/ical reads too, so the domain packages never disagree on a
 * zone's offsets (a second zone library would carry its own, possibly older, tz data).
 */

import { wallClock, type WallClock } from '@roombook/zones';

// The package's one zone reading: every local time here comes from these two.
export { offsetSecondsAt, wallClock, type WallClock } from '@roombook/zones';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `2025-07-15` */
export const localDate = (c: WallClock) => `${pad(c.year, 4)}-${pad(c.month)}-${pad(c.day)}`;
/** `10:00` */
export const localHourMinute = (c: WallClock) => `${pad(c.hour)}:${pad(c.minute)}`;
/** `Tue` */
export const weekdayName = (c: WallClock) => WEEKDAYS[c.weekday - 1]!;

/**
 * An offset as RFC 3339 prints it: `+02:00`, `-03:30`, `Z` for zero. Whole minutes toward zero, as
 * date-fns-tz and earlier reports printed a local mean time's offset (+05:53:28 is `+05:53`).
 */
export function isoOffset(offsetSeconds: number): string {
  const abs = Math.floor(Math.abs(offsetSeconds) / 60);
  return abs === 0 ? 'Z' : `${offsetSeconds < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** `2025-07-15T10:00:00+02:00` (`Z` for a zero offset, as RFC 3339 writes UTC). */
export function zonedIso(instant: Date, timeZone: string): string {
  const c = wallClock(instant, timeZone);
  return `${localDate(c)}T${localHourMinute(c)}:${pad(c.second)}${isoOffset(c.offsetSeconds)}`;
}
