import ICAL from 'ical.js';

import { intlOffset, wallClockMs } from './intl-zone.js';
import { findTransitions, type Transition } from './zone-transitions.js';

type Time = ICAL.Time;

export { runtimeZoneName, wallClockMs } from './intl-zone.js';

const DAY_MS = 86_400_000;

/**
 * Offsets are answered from each zone's transitions, found once per span of CHUNK_MS (a clear reads
 * the same few years of a zone thousands of times; Intl costs microseconds a call and makes garbage).
 */
const CHUNK_MS = 366 * DAY_MS;
const MAX_CHUNKS = 20_000;
interface Chunk {
  /** Offset at the chunk's start. */
  offset: number;
  transitions: Transition[];
}
const chunks = new Map<string, Map<number, Chunk>>();
let chunkCount = 0;

function chunkOf(zone: string, index: number): Chunk {
  let byIndex = chunks.get(zone);
  if (!byIndex) {
    byIndex = new Map();
    chunks.set(zone, byIndex);
  }
  let chunk = byIndex.get(index);
  if (!chunk) {
    if (chunkCount >= MAX_CHUNKS) {
      chunks.clear();
      chunkCount = 0;
      byIndex = new Map();
      chunks.set(zone, byIndex);
    }
    const start = index * CHUNK_MS;
    chunk = { offset: intlOffset(zone, start), transitions: findTransitions(zone, start, start + CHUNK_MS) };
    byIndex.set(index, chunk);
    chunkCount++;
  }
  return chunk;
}

/** UTC offset (seconds, east positive) of `zone` at the instant `ms`, as the runtime knows it. */
export function offsetAt(zone: string, ms: number): number {
  if (!Number.isFinite(ms)) return intlOffset(zone, ms);
  const chunk = chunkOf(zone, Math.floor(ms / CHUNK_MS));
  let offset = chunk.offset;
  for (const transition of chunk.transitions) {
    if (transition.at > ms) break;
    offset = transition.to;
  }
  return offset;
}

/**
 * The offset of `zone` throughout [fromMs, toMs] when no transition of it falls after `fromMs` and
 * at or before `toMs` (offsetAt's own transitions, so the answer is offsetAt's at every instant
 * there); null when one does.
 */
function steadyOffset(zone: string, fromMs: number, toMs: number): number | null {
  for (let index = Math.floor(fromMs / CHUNK_MS); index <= Math.floor(toMs / CHUNK_MS); index++) {
    for (const transition of chunkOf(zone, index).transitions) {
      if (transition.at > fromMs && transition.at <= toMs) return null;
    }
  }
  return offsetAt(zone, fromMs);
}

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
