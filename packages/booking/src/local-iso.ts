import { formatInTimeZone } from 'date-fns-tz';

/** Offsets are looked up per quarter hour: every zone's transitions of the last century fall on one. */
const BUCKET_MS = 15 * 60_000;
const MINUTE_MS = 60_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, Map<number, number | null>>();

/** The zone's UTC offset at `ms`, in ms, from the runtime's tz data (what date-fns-tz reads too). */
function offsetAt(ms: number, timeZone: string): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timeZone, format);
  }
  const part: Record<string, number> = {};
  let bc = false;
  for (const p of format.formatToParts(new Date(ms))) {
    if (p.type === 'era') bc = p.value.startsWith('B');
    else if (p.type !== 'literal') part[p.type] = Number(p.value);
  }
  const year = bc ? 1 - part['year']! : part['year']!;
  const wall = Date.UTC(year, part['month']! - 1, part['day']!, part['hour']!, part['minute']!, part['second']!);
  return wall - Math.floor(ms / 1000) * 1000;
}

/** The offset shared by the whole quarter hour around `ms`, or null when it changes inside it. */
function bucketOffset(ms: number, timeZone: string): number | null {
  let zone = offsets.get(timeZone);
  if (!zone) offsets.set(timeZone, (zone = new Map()));
  const bucket = Math.floor(ms / BUCKET_MS);
  let offset = zone.get(bucket);
  if (offset === undefined) {
    const first = offsetAt(bucket * BUCKET_MS, timeZone);
    offset = first === offsetAt(bucket * BUCKET_MS + BUCKET_MS - 1000, timeZone) ? first : null;
    zone.set(bucket, offset);
  }
  return offset;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Printed instants per zone: a clear's report prints the same starts and ends many times (each event,
 * each winner it lost to, each reason). Bounded: dropped whole when it grows past MEMO_LIMIT.
 */
const printed = new Map<string, Map<number, string>>();
const MEMO_LIMIT = 100_000;

/**
 * `2025-07-14T14:00:00+02:00`: the instant on the zone's wall clock with its offset (the report's and
 * the reasons' form), exactly what date-fns-tz's `formatInTimeZone(…, "yyyy-MM-dd'T'HH:mm:ssXXX")`
 * prints (`Z` for UTC). That function asks Intl for the zone's offset twice per call; a clear of a
 * busy year prints some 50,000 instants, where it took seconds of CPU (issue 9). Offsets are cached
 * per zone and quarter hour; odd cases (an offset change inside the quarter hour, seconds in the
 * offset, years outside 1000–9999) go to date-fns-tz itself.
 */
export function localIso(instant: Date, timeZone: string): string {
  const ms = instant.getTime();
  let memo = printed.get(timeZone);
  if (!memo) printed.set(timeZone, (memo = new Map()));
  const known = memo.get(ms);
  if (known !== undefined) return known;
  if (memo.size >= MEMO_LIMIT) memo.clear();
  const text = print(instant, ms, timeZone);
  memo.set(ms, text);
  return text;
}

function print(instant: Date, ms: number, timeZone: string): string {
  const offset = Number.isFinite(ms) ? bucketOffset(ms, timeZone) : null;
  if (offset === null || offset % MINUTE_MS !== 0) return formatInTimeZone(instant, timeZone, "yyyy-MM-dd'T'HH:mm:ssXXX");
  const wall = new Date(ms + offset);
  const year = wall.getUTCFullYear();
  if (year < 1000 || year > 9999) return formatInTimeZone(instant, timeZone, "yyyy-MM-dd'T'HH:mm:ssXXX");
  const minutes = Math.abs(offset) / MINUTE_MS;
  const zone = offset === 0 ? 'Z' : `${offset < 0 ? '-' : '+'}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
  return `${wall.toISOString().slice(0, 19)}${zone}`;
}
