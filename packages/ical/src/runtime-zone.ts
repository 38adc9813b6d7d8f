import ICAL from 'ical.js';

type Time = ICAL.Time;

/**
 * The runtime's own zone rules (ICU, through Intl) are the one source of time-zone data here: request
 * times, the expansion of TZIDs and every VTIMEZONE we write all read them, so they cannot disagree,
 * and they are as current as the Node.js release (`process.versions.tz`). Intl exposes no transition
 * list, only "which offset at this instant": everything else is derived from that.
 */

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The runtime's canonical name for a zone id (IANA names and their aliases), or null when unknown. */
export function runtimeZoneName(id: string): string | null {
  if (id.trim() === '') return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: id }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

function offsetFormat(zone: string): Intl.DateTimeFormat {
  let format = offsetFormats.get(zone);
  if (!format) {
    // 'longOffset' prints "GMT+05:45" (or "GMT" for zero): the offset without a round trip through
    // the wall-clock fields, and the cheapest Intl call that yields it.
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    offsetFormats.set(zone, format);
  }
  return format;
}

const OFFSET = /GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** UTC offset (seconds, east positive) of `zone` at the instant `ms`, as the runtime knows it. */
export function offsetAt(zone: string, ms: number): number {
  const text = offsetFormat(zone).format(ms);
  const match = OFFSET.exec(text);
  if (!match) throw new Error(`unexpected offset format "${text}" for ${zone}`);
  const [, sign, hours, minutes, seconds] = match;
  if (sign === undefined) return 0;
  const value = Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds ?? 0);
  return sign === '-' ? -value : value;
}

/** The wall-clock fields of a local time as if they were UTC, in ms (years 0–99 included). */
export function wallClockMs(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

const DAY_MS = 86_400_000;

/**
 * The UTC offset that makes the wall-clock time `localMs` (fields as if UTC) an instant in `zone`,
 * resolved as RFC 5545 §3.3.5 says: a time that occurs twice (clocks turned back) is its first
 * occurrence; a time that does not occur (clocks turned forward) is read with the offset before the
 * gap. (That is also Temporal's 'compatible', which the API's request times use.) Assumes at most one
 * transition within a day of the time, which holds for every zone's rules since 1970.
 */
export function offsetForWallClock(zone: string, localMs: number): number {
  const before = offsetAt(zone, localMs - DAY_MS);
  const after = offsetAt(zone, localMs + DAY_MS);
  if (before === after) return before;
  const fitsBefore = offsetAt(zone, localMs - before * 1000) === before;
  const fitsAfter = offsetAt(zone, localMs - after * 1000) === after;
  if (fitsBefore && fitsAfter) return Math.max(before, after);
  if (fitsAfter) return after;
  return before;
}

/** Distinct wall-clock times memoised per zone; a clear of one calendar needs far fewer. */
const MAX_MEMOISED_OFFSETS = 200_000;

/**
 * An ical.js Timezone answered by the runtime's zone rules instead of a VTIMEZONE: the zone of every
 * TZID we can name (IANA, alias, Windows). `tzid` is the id as the object spells it, `zone` the
 * runtime's name for it. ical.js asks `utcOffset` for wall-clock times (Time#toUnixTime, RRULE
 * expansion); those answers are memoised, as they are asked for again and again while a series is
 * expanded.
 */
export class RuntimeTimezone extends ICAL.Timezone {
  readonly zone: string;
  readonly #offsets = new Map<number, number>();

  constructor(tzid: string, zone: string) {
    super({ tzid });
    this.zone = zone;
  }

  override utcOffset(time: Time): number {
    const local = wallClockMs(time.year, time.month, time.day, time.hour, time.minute, time.second);
    if (Number.isNaN(local)) return 0;
    let offset = this.#offsets.get(local);
    if (offset === undefined) {
      offset = offsetForWallClock(this.zone, local);
      if (this.#offsets.size >= MAX_MEMOISED_OFFSETS) this.#offsets.clear();
      this.#offsets.set(local, offset);
    }
    return offset;
  }
}
