import { offsetForWallClock, steadyOffset, wallClockMs } from '@roombook/zones';
import ICAL from 'ical.js';

type Time = ICAL.Time;

/** The runtime's canonical name for a zone id (IANA names and their aliases), or null when unknown. */
export { canonicalZoneName as runtimeZoneName } from '@roombook/zones';

const DAY_MS = 86_400_000;

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
  /**
   * Per local day (wall clock as if UTC, in days): the offset of every wall-clock time that day when
   * the zone has no transition from the day before to the day after, else null. offsetForWallClock
   * reads the offsets a day either side of the time, so in such a day it answers this one for all
   * of them; a year's expansion then asks ~400 days instead of remembering ~20,000 times (issue 9).
   */
  readonly #days = new Map<number, number | null>();

  constructor(tzid: string, zone: string) {
    super({ tzid });
    this.zone = zone;
  }

  override utcOffset(time: Time): number {
    return this.wallClockOffset(wallClockMs(time.year, time.month, time.day, time.hour, time.minute, time.second));
  }

  /** utcOffset for wall-clock fields given as wallClockMs: what the one-off fast path (single-event.ts) reads without a Time. */
  wallClockOffset(local: number): number {
    if (!Number.isFinite(local)) return Number.isNaN(local) ? 0 : offsetForWallClock(this.zone, local);
    const day = Math.floor(local / DAY_MS);
    let steady = this.#days.get(day);
    if (steady === undefined) {
      steady = steadyOffset(this.zone, (day - 1) * DAY_MS, (day + 2) * DAY_MS);
      if (this.#days.size >= MAX_MEMOISED_OFFSETS) this.#days.clear();
      this.#days.set(day, steady);
    }
    if (steady !== null) return steady;
    let offset = this.#offsets.get(local);
    if (offset === undefined) {
      offset = offsetForWallClock(this.zone, local);
      if (this.#offsets.size >= MAX_MEMOISED_OFFSETS) this.#offsets.clear();
      this.#offsets.set(local, offset);
    }
    return offset;
  }
}
