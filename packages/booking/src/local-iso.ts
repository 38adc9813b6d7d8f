import { wallClock, zonedIso } from './zoned-time.js';

/** Offsets are looked up per quarter hour: every zone's transitions of the last century fall on one. */
const BUCKET_MS = 15 * 60_000;
const MINUTE_MS = 60_000;

const offsets = new Map<string, Map<number, number | null>>();

/** The zone's UTC offset at `ms`, in ms, from the runtime's tz data (zoned-time.ts, the package's one zone reading). */
const offsetAt = (ms: number, timeZone: string): number => wallClock(new Date(ms), timeZone).offsetSeconds * 1000;

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
 * the reasons' form), exactly what zonedIso prints (`Z` for UTC). zonedIso asks Intl for every
 * field on each call; a clear of a busy year prints some 50,000 instants, where that took seconds of
 * CPU (issue 9). Offsets are cached per zone and quarter hour; odd cases (an offset change inside the
 * quarter hour, seconds in the offset, years outside 1000–9999) go to zonedIso itself.
 */
export function localIso(instant: Date | number, timeZone: string): string {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  let memo = printed.get(timeZone);
  if (!memo) printed.set(timeZone, (memo = new Map()));
  const known = memo.get(ms);
  if (known !== undefined) return known;
  if (memo.size >= MEMO_LIMIT) memo.clear();
  const text = print(new Date(ms), ms, timeZone);
  memo.set(ms, text);
  return text;
}

function print(instant: Date, ms: number, timeZone: string): string {
  const offset = Number.isFinite(ms) ? bucketOffset(ms, timeZone) : null;
  if (offset === null || offset % MINUTE_MS !== 0) return zonedIso(instant, timeZone);
  const wall = new Date(ms + offset);
  const year = wall.getUTCFullYear();
  if (year < 1000 || year > 9999) return zonedIso(instant, timeZone);
  const minutes = Math.abs(offset) / MINUTE_MS;
  const zone = offset === 0 ? 'Z' : `${offset < 0 ? '-' : '+'}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
  return `${wall.toISOString().slice(0, 19)}${zone}`;
}
