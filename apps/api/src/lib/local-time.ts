import { daysInMonth, instantOfWallClock } from '@roombook/zones';

/** ISO-8601 date-time as the seed accepted it: seconds optional (`date --iso-8601=minutes`), offset optional. */
export const LOCAL_OR_OFFSET_DATETIME =
  '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2})?$';

const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/;
/** A naive date-time: the date, then optionally (after `T` or a space) hours, minutes, seconds and a fraction. */
const NAIVE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?)?$/;

/**
 * Turns a request date-time into an instant. With an offset it is exact; a naive value is wall-clock
 * time in `timeZone`, a DST gap or overlap resolved as RFC 5545 and Temporal's 'compatible' do (see
 * fromWallClock). Returns undefined for impossible dates such as 2025-02-30T10:00.
 */
export function toInstant(value: string, timeZone: string): Date | undefined {
  const [, year, month, day] = /^(\d{4})-(\d{2})-(\d{2})/.exec(value) ?? [];
  // Date silently rolls 02-30 over to 03-02; refuse instead of booking the wrong day.
  if (!isCalendarDate(Number(year), Number(month), Number(day))) return undefined;
  const instant = HAS_OFFSET.test(value) ? new Date(value) : fromWallClock(value, timeZone);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

/**
 * A naive date-time as wall-clock time in `timeZone` (the Invalid Date when it is not one), by
 * @roombook/zones' rule: a time that occurs twice when clocks go back is its first occurrence, one
 * skipped when they go forward is read with the offset before the gap (02:30 on Berlin's spring day is
 * 03:30 CEST). `24:00` is the end of its day (ISO 8601, and what a value with an offset already
 * meant); date-fns-tz, which read these before, made it the start of the same day.
 */
export function fromWallClock(value: string, timeZone: string): Date {
  const fields = NAIVE.exec(value);
  if (!fields) return new Date(Number.NaN);
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = ''] = fields;
  const endOfDay = Number(hour) === 24 && Number(minute) === 0 && Number(second) === 0 && Number(fraction || '0') === 0;
  const outOfRange = !isCalendarDate(Number(year), Number(month), Number(day))
    || (Number(hour) > 23 && !endOfDay) || Number(minute) > 59 || Number(second) > 59;
  if (outOfRange) return new Date(Number.NaN);
  return instantOfWallClock(
    {
      year: Number(year),
      month: Number(month),
      day: Number(day),
      // 24:00 carries into the next day's 00:00 (instantOfWallClock's fields carry as Date.UTC's do)
      hour: Number(hour),
      minute: Number(minute),
      second: Number(second),
      // milliseconds: digits past the third are dropped (Date keeps whole milliseconds)
      millisecond: Number(fraction.slice(0, 3).padEnd(3, '0')),
    },
    timeZone,
  );
}

/** Whether the date exists (no 30 February, no month 13): false for NaN fields. */
const isCalendarDate = (year: number, month: number, day: number): boolean => day >= 1 && day <= daysInMonth(year, month);

/**
 * The zone a naive request time is read in (issue 8): the request's `timezone`, else the calendar's
 * (a room in Berlin booked "10:00" means 10:00 in Berlin), else TIME_ZONE.
 */
export function naiveTimeZone(requested: string | undefined, calendarZone: string | null | undefined, fallback: string): string {
  return requested ?? (calendarZone || fallback);
}
