import { isoOffset, offsetSecondsAt, zonedIso } from './zoned-time.js';

/** Offsets are looked up per quarter hour: every zone's transitions of the last century fall on one. */
const BUCKET_MS = 15 * 60_000;
const MINUTE_MS = 60_000;
/**
 * Before that, per UTC day: a day whose first and last second have the same offset has it throughout,
 * as no zone changes its offset twice within a day (the transition finder of @roombook/zones relies on
 * the same). A year of reports reads ~365 days' offsets
 * instead of tens of thousands of quarter hours' (each an Intl call; issue 9).
 */
const DAY_MS = 86_400_000;
/**
 * And before that, from 1970 on, per half week (the same rule with a longer span): a year reads ~105
 * spans' offsets and the days of the few spans with a change (issue 9). Not a whole week: since 1970
 * one zone's two changes have been as little as 6 days 23 hours apart (America/Boa_Vista, Noronha,
 * Recife and Cambridge_Bay in October 2000, per `zdump -v -c 1970,2038` over every zone Intl knows),
 * and a change and its reversal inside one span would look like no change at all.
 */
const SPAN_MS = 3.5 * DAY_MS;

interface ZoneOffsets {
  /** offset at the start of each span read so far, per span width */
  halfWeeks: Map<number, number>;
  days: Map<number, number>;
  quarters: Map<number, number>;
}
const offsets = new Map<string, ZoneOffsets>();

/** The zone's UTC offset at `ms`, in ms, from the runtime's tz data (zoned-time.ts, the package's one zone reading). */
const offsetAt = (ms: number, timeZone: string): number => offsetSecondsAt(ms, timeZone) * 1000;

/** The offset at the start of span `index`, memoised: a span's end is the next one's start. */
function startOffset(memo: Map<number, number>, index: number, width: number, timeZone: string): number {
  let offset = memo.get(index);
  if (offset === undefined) {
    offset = offsetAt(index * width, timeZone);
    memo.set(index, offset);
  }
  return offset;
}

/**
 * The offset shared by the whole span [index·width, (index+1)·width), or null when it may change
 * inside it: the same at both ends, with at most one change per span, means none in between (a
 * change exactly at the end counts as one inside, and takes the exact path).
 */
function spanOffset(memo: Map<number, number>, index: number, width: number, timeZone: string): number | null {
  const first = startOffset(memo, index, width, timeZone);
  return first === startOffset(memo, index + 1, width, timeZone) ? first : null;
}

/** The offset shared by the whole half week, day or else quarter hour around `ms`, or null when it changes inside it. */
function bucketOffset(ms: number, timeZone: string): number | null {
  let zone = offsets.get(timeZone);
  if (!zone) offsets.set(timeZone, (zone = { halfWeeks: new Map(), days: new Map(), quarters: new Map() }));
  return (
    (ms >= 0 ? spanOffset(zone.halfWeeks, Math.floor(ms / SPAN_MS), SPAN_MS, timeZone) : null) ??
    spanOffset(zone.days, Math.floor(ms / DAY_MS), DAY_MS, timeZone) ??
    spanOffset(zone.quarters, Math.floor(ms / BUCKET_MS), BUCKET_MS, timeZone)
  );
}

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
  const text = print(ms, timeZone);
  memo.set(ms, text);
  return text;
}

/** One Date per instant printed (the wall clock's), none for the instant itself unless zonedIso needs it. */
function print(ms: number, timeZone: string): string {
  const offset = Number.isFinite(ms) ? bucketOffset(ms, timeZone) : null;
  if (offset === null || offset % MINUTE_MS !== 0) return zonedIso(new Date(ms), timeZone);
  const wall = new Date(ms + offset);
  const year = wall.getUTCFullYear();
  if (year < 1000 || year > 9999) return zonedIso(new Date(ms), timeZone);
  return `${wall.toISOString().slice(0, 19)}${isoOffset(offset / 1000)}`;
}
