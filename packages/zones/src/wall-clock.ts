import { newFormat } from './formats.js';

/** A date and a time of day as a clock shows them (month 1–12, hour 0–23). */
export interface DateTimeFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Where `timeZone`'s wall clock stands at an instant. */
export interface WallClock extends DateTimeFields {
  /** ISO weekday: 1 = Monday … 7 = Sunday */
  weekday: number;
  /** UTC offset in minutes, east positive */
  offsetMinutes: number;
  /** the same to the second: local mean times before standard time had offsets like +05:53:28 */
  offsetSeconds: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();
const OPTIONS: Intl.DateTimeFormatOptions = {
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  weekday: 'short',
};
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** The local date and time of `instant` in `timeZone` (a RangeError for a zone the runtime does not know). */
export function wallClock(instant: Date, timeZone: string): WallClock {
  const parts: Record<string, string> = {};
  const format = formats.get(timeZone) ?? newFormat(formats, timeZone, OPTIONS);
  for (const part of format.formatToParts(instant)) parts[part.type] = part.value;
  const [year, month, day, hour, minute, second] = ['year', 'month', 'day', 'hour', 'minute', 'second'].map((k) => Number(parts[k]));
  // The offset is what the wall clock reads minus the instant (cut to its second, as the clock is).
  const local = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
  const whole = Math.floor(instant.getTime() / 1000) * 1000;
  return {
    year: year!, month: month!, day: day!, hour: hour!, minute: minute!, second: second!,
    weekday: WEEKDAYS.indexOf(parts['weekday']!) + 1,
    offsetMinutes: Math.round((local - whole) / 60_000),
    offsetSeconds: Math.round((local - whole) / 1000),
  };
}
