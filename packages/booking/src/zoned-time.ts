/**
 * Wall-clock readings of an instant in a zone, from the runtime's own zone rules (ICU, through
 * Intl): the source @roombook/ical reads too, so the domain packages never disagree on a zone's
 * offsets (a second zone library would carry its own, possibly older, tz data).
 */

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday */
  weekday: number;
  /** UTC offset in minutes, east positive */
  offsetMinutes: number;
  /** the same to the second: local mean times before standard time had offsets like +05:53:28 */
  offsetSeconds: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    // bounded: zones come from stored calendars, a handful per process
    if (formats.size < 1000) formats.set(timeZone, f);
  }
  return f;
}

/** The local date and time of `instant` in `timeZone` (a RangeError for a zone the runtime does not know). */
export function wallClock(instant: Date, timeZone: string): WallClock {
  const parts: Record<string, string> = {};
  for (const part of format(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  const [year, month, day, hour, minute, second] = ['year', 'month', 'day', 'hour', 'minute', 'second'].map((k) => Number(parts[k]));
  const local = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
  const whole = Math.floor(instant.getTime() / 1000) * 1000;
  return {
    year: year!, month: month!, day: day!, hour: hour!, minute: minute!, second: second!,
    weekday: WEEKDAYS.indexOf(parts['weekday']!) + 1,
    offsetMinutes: Math.round((local - whole) / 60_000),
    offsetSeconds: Math.round((local - whole) / 1000),
  };
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();
const OFFSET = /GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * The zone's UTC offset at `ms` in seconds (east positive): wallClock's offsetSeconds, read from
 * Intl's 'longOffset' name ("GMT+05:45", "GMT" for zero) in one format() call instead of
 * formatToParts and seven fields (issue 9: a year's report reads an offset per day).
 */
export function offsetSecondsAt(ms: number, timeZone: string): number {
  let f = offsetFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    // bounded as `formats` above
    if (offsetFormats.size < 1000) offsetFormats.set(timeZone, f);
  }
  const text = f.format(ms);
  const match = OFFSET.exec(text);
  if (!match) throw new RangeError(`unexpected offset "${text}" for ${timeZone}`);
  const [, sign, hours, minutes, seconds] = match;
  if (sign === undefined) return 0;
  const value = Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds ?? 0);
  return sign === '-' ? -value : value;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `2025-07-15` */
export const localDate = (c: WallClock) => `${pad(c.year, 4)}-${pad(c.month)}-${pad(c.day)}`;
/** `10:00` */
export const localHourMinute = (c: WallClock) => `${pad(c.hour)}:${pad(c.minute)}`;
/** `Tue` */
export const weekdayName = (c: WallClock) => WEEKDAYS[c.weekday - 1]!;

/** `2025-07-15T10:00:00+02:00` (`Z` for a zero offset, as RFC 3339 writes UTC). */
export function zonedIso(instant: Date, timeZone: string): string {
  const c = wallClock(instant, timeZone);
  const sign = c.offsetSeconds < 0 ? '-' : '+';
  // whole minutes toward zero, as date-fns-tz and earlier reports printed a local mean time's offset
  const abs = Math.floor(Math.abs(c.offsetSeconds) / 60);
  const offset = abs === 0 ? 'Z' : `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  return `${localDate(c)}T${localHourMinute(c)}:${pad(c.second)}${offset}`;
}
