import { offsetSecondsAt } from './offset.js';

/** One change of a zone's UTC offset. */
export interface Transition {
  /** The instant (ms, whole seconds) from which `to` applies. */
  at: number;
  /** Offsets in seconds, east positive. */
  from: number;
  to: number;
}

/**
 * The probe step. Intl answers only "which offset at this instant", so transitions are found by
 * probing and then bisecting to the second. Two transitions inside one step that cancel out would be
 * missed; no zone has had two within a week since 1970 (the closest are Morocco's Ramadan pauses,
 * about a month apart), which the every-zone test in
 * packages/ical/test/vtimezone.test.ts keeps checking.
 */
export const PROBE_STEP_MS = 7 * 86_400_000;

/** Every offset change of `zone` in [fromMs, toMs), in order. */
export function findTransitions(zone: string, fromMs: number, toMs: number): Transition[] {
  const found: Transition[] = [];
  let at = Math.floor(fromMs / 1000) * 1000;
  let offset = offsetSecondsAt(at, zone);
  while (at < toMs) {
    const next = Math.min(at + PROBE_STEP_MS, Math.ceil(toMs / 1000) * 1000);
    const nextOffset = offsetSecondsAt(next, zone);
    if (nextOffset === offset) {
      at = next;
      continue;
    }
    // Invariant: offset at `low` is `offset`, at `high` it is not.
    let low = at;
    let high = next;
    while (high - low > 1000) {
      const middle = low + Math.floor((high - low) / 2000) * 1000;
      if (offsetSecondsAt(middle, zone) === offset) low = middle;
      else high = middle;
    }
    const to = offsetSecondsAt(high, zone);
    if (high >= toMs) break;
    found.push({ at: high, from: offset, to });
    at = high;
    offset = to;
  }
  return found;
}
