import { newFormat } from './formats.js';

const formats = new Map<string, Intl.DateTimeFormat>();
// 'longOffset' prints "GMT+05:45", "GMT-00:44:30" for a local mean time, or "GMT" for zero.
const OPTIONS: Intl.DateTimeFormatOptions = { timeZoneName: 'longOffset' };
const OFFSET = /GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * The UTC offset of `timeZone` at the instant `ms`, in seconds, east positive (a RangeError for a
 * zone the runtime does not know). One format() call of the 'longOffset' name rather than
 * formatToParts and seven wall-clock fields: the cheapest Intl call that yields the offset, and
 * this runs per day or occurrence of a year's expansion and report (issue 9).
 */
export function offsetSecondsAt(ms: number, timeZone: string): number {
  const text = (formats.get(timeZone) ?? newFormat(formats, timeZone, OPTIONS)).format(ms);
  const match = OFFSET.exec(text);
  if (!match) throw new RangeError(`unexpected offset "${text}" for ${timeZone}`);
  const [, sign, hours, minutes, seconds] = match;
  if (sign === undefined) return 0;
  const value = Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds ?? 0);
  return sign === '-' ? -value : value;
}
