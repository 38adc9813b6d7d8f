import { fromZonedTime } from 'date-fns-tz';

/** ISO-8601 date-time as the seed accepted it: seconds optional (`date --iso-8601=minutes`), offset optional. */
export const LOCAL_OR_OFFSET_DATETIME =
  '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2})?$';

const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Turns a request date-time into an instant. With an offset it is exact; a naive value is wall-clock
 * time in `timeZone` (date-fns-tz resolves DST gaps and overlaps the way Temporal's 'compatible' does).
 * Returns undefined for impossible dates such as 2025-02-30T10:00.
 */
export function toInstant(value: string, timeZone: string): Date | undefined {
  const [, month, day] = /^\d{4}-(\d{2})-(\d{2})/.exec(value) ?? [];
  const instant = HAS_OFFSET.test(value) ? new Date(value) : fromZonedTime(value, timeZone);
  if (Number.isNaN(instant.getTime())) return undefined;
  // Date silently rolls 02-30 over to 03-02; refuse instead of booking the wrong day.
  const check = new Date(`${value.slice(0, 10)}T12:00:00Z`);
  if (check.getUTCMonth() + 1 !== Number(month) || check.getUTCDate() !== Number(day)) return undefined;
  return instant;
}

/**
 * The zone a naive request time is read in (issue 8): the request's `timezone`, else the calendar's
 * (a room in Berlin booked "10:00" means 10:00 in Berlin), else TIME_ZONE.
 */
export function naiveTimeZone(requested: string | undefined, calendarZone: string | null | undefined, fallback: string): string {
  return requested ?? (calendarZone || fallback);
}
