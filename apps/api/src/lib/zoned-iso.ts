/**
 * ISO-8601 with a zone's offset (`2025-07-14T09:00:00+02:00`), as date-fns-tz's
 * `formatInTimeZone(t, zone, "yyyy-MM-dd'T'HH:mm:ssXXX")` writes it (`Z` for a zero offset, seconds
 * truncated), but fast: a free/busy answer writes hundreds of instants, and formatInTimeZone
 * tokenizes a date string per call (it was 40 ms of CPU per 20-room answer; issue 12 benchmark).
 *
 * The offset is looked up per zone and UTC hour: when the offsets at both ends of the hour agree,
 * the whole hour has that offset (no zone changes its offset twice within an hour); when they
 * differ, the instant's own offset is read. Offsets come from Intl (the runtime's zone data, the
 * one zone source of the service).
 */
const HOUR_MS = 3_600_000;
const MAX_CACHED_HOURS = 200_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
/** zone -> UTC hour number -> offset in minutes, or NaN when the offset changes within that hour */
const hourOffsets = new Map<string, Map<number, number>>();
let cachedHours = 0;

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) formatters.set(timeZone, (f = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })));
  return f;
}

/** The zone's offset at the instant, in whole minutes east of UTC ("GMT+05:45" -> 345). */
function offsetAt(ms: number, timeZone: string): number {
  const name = formatter(timeZone)
    .formatToParts(ms)
    .find((p) => p.type === 'timeZoneName')!.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0; // "GMT": UTC itself
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

function offsetMinutes(ms: number, timeZone: string): number {
  let hours = hourOffsets.get(timeZone);
  if (!hours) hourOffsets.set(timeZone, (hours = new Map()));
  const hour = Math.floor(ms / HOUR_MS);
  let cached = hours.get(hour);
  if (cached === undefined) {
    const atStart = offsetAt(hour * HOUR_MS, timeZone);
    cached = atStart === offsetAt((hour + 1) * HOUR_MS - 1, timeZone) ? atStart : Number.NaN;
    if (++cachedHours > MAX_CACHED_HOURS) {
      // bounded: a long-running API process asked about ever new hours starts afresh
      hourOffsets.clear();
      cachedHours = 1;
      hourOffsets.set(timeZone, (hours = new Map()));
    }
    hours.set(hour, cached);
  }
  return Number.isNaN(cached) ? offsetAt(ms, timeZone) : cached;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Instants written lately, per zone: free/busy answers for the coming days write the same
 * meeting starts and ends again and again. Bounded like the offset table.
 */
const written = new Map<string, Map<number, string>>();
let writtenCount = 0;
const MAX_WRITTEN = 100_000;

/** `instant` as ISO-8601 on the zone's wall clock with its offset, to the second. */
export function isoInZone(instant: Date | number, timeZone: string): string {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  let zone = written.get(timeZone);
  if (!zone) written.set(timeZone, (zone = new Map()));
  let text = zone.get(ms);
  if (text === undefined) {
    text = format(ms, timeZone);
    if (++writtenCount > MAX_WRITTEN) {
      written.clear();
      writtenCount = 1;
      written.set(timeZone, (zone = new Map()));
    }
    zone.set(ms, text);
  }
  return text;
}

function format(ms: number, timeZone: string): string {
  const offset = offsetMinutes(ms, timeZone);
  const wall = new Date(Math.floor(ms / 1000) * 1000 + offset * 60_000).toISOString().slice(0, 19);
  if (offset === 0) return `${wall}Z`;
  const abs = Math.abs(offset);
  return `${wall}${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
