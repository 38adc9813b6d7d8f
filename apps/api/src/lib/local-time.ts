import { fromZonedTime } from 'date-fns-tz';

/** ISO-8601 date-time as the seed accepted it: seconds optional (`date --iso-8601=minutes`), offset optional. */
export const LOCAL_OR_OFFSET_DATETIME =
  '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2})?$';

const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/;
const NAIVE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/;

/**
 * Turns a request date-time into an instant. With an offset it is exact; a naive value is wall-clock
 * time in `timeZone` (date-fns-tz resolves DST gaps and overlaps the way Temporal's 'compatible' does).
 * Returns undefined for impossible dates such as 2025-02-30T10:00.
 */
export function toInstant(value: string, timeZone: string): Date | undefined {
  const [, month, day] = /^\d{4}-(\d{2})-(\d{2})/.exec(value) ?? [];
  const instant = HAS_OFFSET.test(value) ? new Date(value) : fromWallClock(value, timeZone);
  if (Number.isNaN(instant.getTime())) return undefined;
  // Date silently rolls 02-30 over to 03-02; refuse instead of booking the wrong day.
  const check = new Date(`${value.slice(0, 10)}T12:00:00Z`);
  if (check.getUTCMonth() + 1 !== Number(month) || check.getUTCDate() !== Number(day)) return undefined;
  return instant;
}

/** Wall-clock quarter hours: every zone's transitions of the last century fall on one, in UTC and on the wall. */
const BUCKET_MS = 15 * 60_000;
const MEMO_LIMIT = 100_000;
/** zone -> wall-clock quarter hour -> the offset fromZonedTime applies throughout it (null: not one offset). */
const offsets = new Map<string, Map<number, number | null>>();
let cached = 0;

/**
 * fromZonedTime, with its offset cached per zone and wall-clock quarter hour: it asks Intl for
 * every field on each call, which was ~4 % of the API's CPU per booking (issue 9). The cached
 * offset is fromZonedTime's own, read at both ends of the quarter hour, so gaps and overlaps
 * resolve exactly as it does; a quarter hour whose ends disagree, an offset that is not whole
 * minutes, and anything Date.UTC would read otherwise than the text (24:00) go to fromZonedTime.
 */
export function fromWallClock(value: string, timeZone: string): Date {
  const fields = NAIVE.exec(value);
  if (!fields || Number(fields[4]) > 23 || Number(fields[5]) > 59 || Number(fields[6] ?? 0) > 59) return fromZonedTime(value, timeZone);
  const wall = Date.parse(`${value}Z`);
  if (Number.isNaN(wall)) return fromZonedTime(value, timeZone);
  let zone = offsets.get(timeZone);
  if (!zone) offsets.set(timeZone, (zone = new Map()));
  const bucket = Math.floor(wall / BUCKET_MS);
  let offset = zone.get(bucket);
  if (offset === undefined) {
    if (cached >= MEMO_LIMIT) {
      offsets.clear();
      offsets.set(timeZone, zone);
      zone.clear();
      cached = 0;
    }
    const start = bucket * BUCKET_MS;
    const first = start - fromZonedTime(new Date(start).toISOString().slice(0, 19), timeZone).getTime();
    const last = start + BUCKET_MS - 1000 - fromZonedTime(new Date(start + BUCKET_MS - 1000).toISOString().slice(0, 19), timeZone).getTime();
    offset = first === last && first % 60_000 === 0 ? first : null;
    zone.set(bucket, offset);
    cached += 1;
  }
  return offset === null ? fromZonedTime(value, timeZone) : new Date(wall - offset);
}

/**
 * The zone a naive request time is read in (issue 8): the request's `timezone`, else the calendar's
 * (a room in Berlin booked "10:00" means 10:00 in Berlin), else TIME_ZONE.
 */
export function naiveTimeZone(requested: string | undefined, calendarZone: string | null | undefined, fallback: string): string {
  return requested ?? (calendarZone || fallback);
}
