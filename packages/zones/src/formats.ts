/**
 * Building an Intl.DateTimeFormat costs far more than using one (issue 9), so each reader keeps
 * one per zone. Bounded: zones come from stored calendars and requests, a handful per process;
 * past the bound a format is built per call rather than the cache growing without end.
 */
const MAX_ZONES = 1000;

/** A new format for `timeZone` (a RangeError for a zone the runtime does not know), kept in `cache` while there is room. */
export function newFormat(cache: Map<string, Intl.DateTimeFormat>, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const format = new Intl.DateTimeFormat('en-US', { ...options, timeZone });
  if (cache.size < MAX_ZONES) cache.set(timeZone, format);
  return format;
}

/** The same bound for other per-zone caches. */
export const hasRoom = (cache: Map<string, unknown>): boolean => cache.size < MAX_ZONES;
