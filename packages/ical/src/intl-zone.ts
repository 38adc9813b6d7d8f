/**
 * The runtime's own zone rules (ICU, through Intl) are the one source of time-zone data here: request
 * times, the expansion of TZIDs and every VTIMEZONE we write all read them, so they cannot disagree,
 * and they are as current as the Node.js release (`process.versions.tz`). Intl exposes no transition
 * list, only "which offset at this instant": everything else is derived from that.
 */

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** Canonical names already resolved: building an Intl.DateTimeFormat per call is costly (issue 9). */
const zoneNames = new Map<string, string | null>();

/** The runtime's canonical name for a zone id (IANA names and their aliases), or null when unknown. */
export function runtimeZoneName(id: string): string | null {
  const known = zoneNames.get(id);
  if (known !== undefined) return known;
  let name: string | null = null;
  if (id.trim() !== '') {
    try {
      name = new Intl.DateTimeFormat('en-US', { timeZone: id }).resolvedOptions().timeZone;
    } catch {
      name = null;
    }
  }
  // bounded: ids come from requests and calendar data, so unknown ones are not remembered
  if (name !== null && zoneNames.size < 1000) zoneNames.set(id, name);
  return name;
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

/**
 * UTC offset (seconds, east positive) of `zone` at the instant `ms`, straight from Intl (a few µs a
 * call; offsetAt in runtime-zone.ts answers repeated questions from the transitions it derives).
 */
export function intlOffset(zone: string, ms: number): number {
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
  // Date.UTC allocates nothing (this runs for every offset ical.js asks for); it reads years 0–99 as
  // 1900–1999, so those take the slow path.
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}
