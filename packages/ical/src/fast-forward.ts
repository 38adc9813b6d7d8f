import ICAL from 'ical.js';

import { toInstant } from './time.js';

type Component = ICAL.Component;
type Time = ICAL.Time;
type Timezone = ICAL.Timezone;
type Recur = ICAL.Recur;

/**
 * Skipping the part of a long series that lies before the window.
 *
 * ical.js can only expand a rule from its DTSTART: a weekly series begun three years ago is walked
 * through ~150 instances before the window starts, and each step costs several ical.js Time clones and
 * comparisons. For the simplest and by far most common rules — FREQ=WEEKLY (plain BYDAY) or
 * FREQ=DAILY, no COUNT — the instances repeat with a fixed period P (INTERVAL weeks or days on the
 * wall clock), so ical.js expanding from DTSTART + k·P produces, from DTSTART + (k+1)·P on, exactly the
 * instances it produces from DTSTART (its first period may differ: ical.js treats a start that is not
 * on the pattern specially). Nothing here computes an instance itself; it only picks where ical.js
 * starts, and the equivalence is checked against full expansion in the tests.
 *
 * RecurExpansion's EXDATE handling is the other half: it keeps a pointer into the sorted EXDATEs and
 * advances it at most once per instance, so an EXDATE that is not itself an instance (or a duplicate)
 * makes it lag and can let a later EXDATE through. Starting later would skip such a lag and so change
 * the result; therefore every EXDATE before the restart must be shown (by ical.js) to be an instance,
 * and distinct, or the series is expanded from DTSTART as before.
 */

const DAY_MS = 86_400_000;
const WEEKDAYS = new Set(['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU']);
/** RecurExpansion throws after this many excluded instances in a row; keep such series on the slow path. */
const RECUR_EXPANSION_MAX_TRIES = 500;
/** Proving an EXDATE is an instance takes a few ical.js steps; beyond this many, walking is cheaper. */
const MAX_CHECKED_EXDATES = 32;
/** Steps after which a check gives up (a period has at most 7 instances; this only bounds bad input). */
const MAX_CHECK_STEPS = 64;

/** Where to restart the expansion: same rule, later DTSTART, EXDATEs that matter from there on. */
export interface FastForward {
  dtstart: Time;
  component: Component;
}

/** What the caller of masterOccurrences promises and needs. */
export interface ExpansionWindow {
  /** Occurrences starting before this instant (ms) do not matter to the caller and may be left out. */
  notBefore: number;
  /** The caller stops at the first occurrence starting at or after this instant (ms). */
  to: number;
  /** Zone for floating times and dates, as everywhere else. */
  zone: Timezone;
}

function periodDays(rule: Recur): number | null {
  const interval = rule.interval;
  if (!Number.isInteger(interval) || interval < 1) return null;
  if (rule.count !== null && rule.count !== undefined) return null;
  const parts = Object.entries(rule.parts).filter(([, values]) => Array.isArray(values) && values.length > 0);
  if (rule.freq === 'DAILY' && parts.length === 0) return interval;
  if (rule.freq !== 'WEEKLY') return null;
  if (parts.length === 0) return 7 * interval;
  const [only] = parts;
  if (parts.length !== 1 || !only || only[0] !== 'BYDAY') return null;
  const days = only[1] as unknown[];
  // Plain weekdays only (no ordinals like 1MO), each once: at most one instance per day.
  const plain = days.every((day) => typeof day === 'string' && WEEKDAYS.has(day));
  return plain && new Set(days).size === days.length ? 7 * interval : null;
}

function shifted(time: Time, days: number): Time {
  const copy = time.clone();
  copy.adjust(days, 0, 0, 0);
  return copy;
}

/**
 * Whether ical.js yields `time` as an instance of `rule` from `dtstart` — expanding from the last
 * period start at least two periods before it rather than from DTSTART (see above for why that is
 * the same), and trusting only instances after that restart's first period.
 */
function isInstance(rule: Recur, dtstart: Time, time: Time, period: number, zone: Timezone): boolean {
  if (time.compare(dtstart) === 0) return true;
  const elapsed = toInstant(time, zone) - toInstant(dtstart, zone);
  const k = Math.max(0, Math.floor(elapsed / (period * DAY_MS)) - 2);
  const start = shifted(dtstart, k * period);
  const trustedFrom = k === 0 ? start : shifted(dtstart, (k + 1) * period);
  const iterator = rule.iterator(start);
  for (let step = 0; step < MAX_CHECK_STEPS; step++) {
    const next = iterator.next();
    if (!next) return false;
    const order = next.compare(time);
    if (order === 0) return next.compare(trustedFrom) >= 0;
    if (order > 0) return false;
  }
  return false;
}

/**
 * A later start for expanding `master` that yields the same occurrences from `window.notBefore` on,
 * or null when that cannot be shown (then expand from DTSTART). `maxOccurrences` is the caller's
 * cap: the shortcut is only taken when the full walk could not have reached it inside the window.
 */
export function fastForward(master: Component, dtstart: Time, window: ExpansionWindow, maxOccurrences: number): FastForward | null {
  if (master.hasProperty('rdate')) return null;
  const rules = master.getAllProperties('rrule');
  const rule = rules.length === 1 ? rules[0]?.getFirstValue() : null;
  if (!(rule instanceof ICAL.Recur)) return null;
  const period = periodDays(rule);
  if (period === null) return null;

  const { notBefore, to, zone } = window;
  const startMs = toInstant(dtstart, zone);
  // At most one instance a day: the walk from DTSTART stays under the cap up to the window end.
  if ((to - startMs) / DAY_MS + 3 >= maxOccurrences) return null;
  // Restart at T = DTSTART + k·P, such that T + 2P — past which both expansions agree, EXDATEs
  // included — is still before notBefore (with days to spare for DST and date/floating offsets).
  const k = Math.floor((notBefore - 3 * DAY_MS - startMs) / (period * DAY_MS)) - 2;
  if (k < 1) return null;
  const restart = shifted(dtstart, k * period);
  const agreed = shifted(dtstart, (k + 1) * period);
  const settled = shifted(dtstart, (k + 2) * period);
  if (toInstant(settled, zone) >= notBefore - DAY_MS) return null;

  const exdates: Time[] = [];
  for (const property of master.getAllProperties('exdate')) {
    for (const value of property.getValues()) {
      // Same value type as DTSTART, so RecurExpansion compares instants (not dates) — as done here.
      if (!(value instanceof ICAL.Time) || value.isDate !== dtstart.isDate) return null;
      exdates.push(value);
    }
  }
  if (exdates.length >= RECUR_EXPANSION_MAX_TRIES) return null;
  const sorted = [...exdates].sort((a, b) => a.compare(b));
  for (let i = 1; i < sorted.length; i++) if (sorted[i]?.compare(sorted[i - 1] as Time) === 0) return null;
  // EXDATEs the full walk passes before the expansions agree must each be consumed by an instance.
  const passed = sorted.filter((x) => x.compare(dtstart) >= 0 && x.compare(settled) <= 0);
  if (passed.length > MAX_CHECKED_EXDATES) return null;
  if (!passed.every((x) => isInstance(rule, dtstart, x, period, zone))) return null;

  // The restarted expansion gets only the EXDATEs from `agreed` on: the earlier ones lie where its
  // instances may differ from the full walk's, and matter to no occurrence the caller wants.
  const source = new ICAL.Component(structuredClone(master.jCal), master.parent ?? undefined);
  for (const property of source.getAllProperties('exdate')) {
    const kept = property.getValues().filter((value: unknown) => value instanceof ICAL.Time && value.compare(agreed) >= 0);
    if (kept.length === 0) source.removeProperty(property);
    else property.setValues(kept);
  }
  return { dtstart: restart, component: source };
}
