import { offsetSecondsAt } from './offset.js';
import { findTransitions, type Transition } from './transitions.js';

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
    chunk = { offset: offsetSecondsAt(start, zone), transitions: findTransitions(zone, start, start + CHUNK_MS) };
    byIndex.set(index, chunk);
    chunkCount++;
  }
  return chunk;
}

/**
 * UTC offset (seconds, east positive) of `zone` at the instant `ms`, as the runtime knows it: the
 * answer of offsetSecondsAt, from the zone's transitions cached per year-long chunk rather than an
 * Intl call each time (a RangeError for a zone the runtime does not know).
 */
export function offsetAt(zone: string, ms: number): number {
  if (!Number.isFinite(ms)) return offsetSecondsAt(ms, zone);
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
export function steadyOffset(zone: string, fromMs: number, toMs: number): number | null {
  for (let index = Math.floor(fromMs / CHUNK_MS); index <= Math.floor(toMs / CHUNK_MS); index++) {
    for (const transition of chunkOf(zone, index).transitions) {
      if (transition.at > fromMs && transition.at <= toMs) return null;
    }
  }
  return offsetAt(zone, fromMs);
}

/**
 * The UTC offset (seconds) that makes the wall-clock time `localMs` (fields as if UTC) an instant in
 * `zone`, resolved as RFC 5545 §3.3.5 says: a time that occurs twice (clocks turned back) is its
 * first occurrence; a time that does not occur (clocks turned forward) is read with the offset before
 * the gap. (That is also Temporal's 'compatible'.) Assumes at most one transition within a day of
 * the time, which holds for every zone's rules since 1970.
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
