import { fromZonedTime, formatInTimeZone } from 'date-fns-tz';

/**
 * The clearing window (design §5): from the start of today in the calendar's zone to
 * `horizonDays` ahead. Past days are never fetched, so they are never touched.
 */
export function clearingWindow(now: Date, timeZone: string, horizonDays: number): { from: Date; to: Date } {
  const today = formatInTimeZone(now, timeZone, 'yyyy-MM-dd');
  const from = fromZonedTime(`${today}T00:00:00`, timeZone);
  return { from, to: new Date(from.getTime() + horizonDays * 24 * 3600 * 1000) };
}
