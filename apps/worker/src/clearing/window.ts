import { instantOfWallClock, wallClock } from '@roombook/zones';

const DAY_MS = 24 * 3600 * 1000;

/**
 * The clearing window (design §5): from the start of today in the calendar's zone to
 * `horizonDays` ahead. Past days are never fetched, so they are never touched. Where a zone skips
 * midnight (Sao Paulo's DST began at 00:00 until 2018) today starts at the first time the wall clock
 * shows, read as RFC 5545 reads a skipped time.
 */
export function clearingWindow(now: Date, timeZone: string, horizonDays: number): { from: Date; to: Date } {
  const { year, month, day } = wallClock(now, timeZone);
  const from = instantOfWallClock({ year, month, day }, timeZone);
  return { from, to: new Date(from.getTime() + horizonDays * DAY_MS) };
}
