import ICAL from 'ical.js';

import { IcalError } from './errors.js';
import { fastForward, type ExpansionWindow, type FastForward } from './fast-forward.js';
import { parseObject, type JcalComponent, type ParsedObject } from './parse.js';
import { ianaZone, resolveTimezones } from './timezones.js';
import { addDays, daysBetween, endByDuration, occurrenceKey, toInstant } from './time.js';

type Component = ICAL.Component;
type Time = ICAL.Time;
type Timezone = ICAL.Timezone;
type Duration = ICAL.Duration;

/**
 * Upper bound on generated occurrences per series. Expansion also stops at the end of the window, so
 * this only bites for runaway rules (FREQ=SECONDLY from 1970 and the like); when it does, the caller
 * is told (masterOccurrences' onCutOff), so a clear can report the series instead of dropping it.
 */
export const MAX_OCCURRENCES = 50_000;

/** A parsed object whose time zones all resolve locally, plus what reading its times needs. */
export interface Series extends ParsedObject {
  defaultZone: Timezone;
  /** The series' occurrences are dates (DTSTART;VALUE=DATE on the master, or the first override). */
  allDay: boolean;
  /** RRULE/RDATE on the master, or any override. */
  recurring: boolean;
}

/** Parses an object and makes its times readable without touching ical.js's global zone registry. */
export function openSeries(ics: string | JcalComponent, defaultTimeZone: string): Series {
  const parsed = parseObject(ics);
  const defaultZone = ianaZone(defaultTimeZone);
  resolveTimezones(parsed.root);
  const reference = parsed.master ?? parsed.overrides[0];
  const allDay = reference ? startOf(reference).isDate : false;
  const recurring =
    parsed.overrides.length > 0 ||
    (parsed.master !== null && (parsed.master.hasProperty('rrule') || parsed.master.hasProperty('rdate')));
  return { ...parsed, defaultZone, allDay, recurring };
}

function timeValue(component: Component, name: string): Time | null {
  const value = component.getFirstPropertyValue(name);
  return value instanceof ICAL.Time ? value : null;
}

/** DTSTART of a VEVENT; IcalError when missing (RFC 5545 requires it in a CalDAV object). */
export function startOf(component: Component): Time {
  const start = timeValue(component, 'dtstart');
  if (!start) throw new IcalError(`VEVENT ${String(component.getFirstPropertyValue('uid'))} has no DTSTART`);
  return start;
}

/** RECURRENCE-ID of an override. */
export function recurrenceIdOf(component: Component): Time {
  const rid = timeValue(component, 'recurrence-id');
  if (!rid) throw new IcalError('RECURRENCE-ID is not a date or date-time');
  return rid;
}

/** How long an occurrence lasts, as the component says it (DTEND or DURATION), or null if it does not say. */
type Span = { kind: 'days'; days: number } | { kind: 'exact'; ms: number } | { kind: 'duration'; duration: Duration };

function spanOf(component: Component, defaultZone: Timezone): Span | null {
  const start = startOf(component);
  const end = timeValue(component, 'dtend');
  if (end) {
    if (start.isDate && end.isDate) return { kind: 'days', days: daysBetween(start, end) };
    // RFC 5545 §3.8.5.3: with DTEND every instance keeps the same exact duration.
    return { kind: 'exact', ms: toInstant(end, defaultZone) - toInstant(start, defaultZone) };
  }
  const duration = component.getFirstPropertyValue('duration');
  if (duration instanceof ICAL.Duration) return { kind: 'duration', duration };
  return null;
}

/**
 * End instant of an occurrence of `component` starting at `start` (an RDATE PERIOD brings its own
 * `periodEnd`). Without DTEND/DURATION, an override takes the master's length (clients that write
 * partial overrides mean "same length"); otherwise RFC 5545 applies: a DATE lasts one day, a
 * DATE-TIME zero.
 */
export function occurrenceEnd(series: Series, component: Component, start: Time, periodEnd: Time | null = null): number {
  if (periodEnd) return toInstant(periodEnd, series.defaultZone);
  return endReader(series, component)(start, null);
}

/** occurrenceEnd for many starts of one component. */
export type EndReader = (start: Time, periodEnd: Time | null) => number;

/**
 * occurrenceEnd with the component's length read once, for expanding a series: the length (DTEND minus
 * DTSTART, or DURATION) is the same for every occurrence, only where it is added differs.
 */
export function endReader(series: Series, component: Component): EndReader {
  const zone = series.defaultZone;
  let span = spanOf(component, zone);
  if (!span && component !== series.master && series.master) span = spanOf(series.master, zone);
  return (start, periodEnd) => {
    if (periodEnd) return toInstant(periodEnd, zone);
    if (!span) return start.isDate ? toInstant(addDays(start, 1), zone) : toInstant(start, zone);
    switch (span.kind) {
      case 'days':
        return toInstant(addDays(start, span.days), zone);
      case 'exact':
        return toInstant(start, zone) + span.ms;
      case 'duration':
        return endByDuration(start, span.duration, zone);
    }
  };
}

/** One generated occurrence of the master: its original start, and its own end for an RDATE PERIOD. */
export interface MasterOccurrence {
  start: Time;
  /** Only for RDATE;VALUE=PERIOD instances, which carry their own end. */
  end: Time | null;
}

/**
 * Works around two ical.js gaps on a copy of the master: RecurExpansion compares RDATE values as Times
 * and fails on PERIOD values (they are replaced by their starts, the ends kept aside), and with RDATE
 * but no RRULE it omits DTSTART, which RFC 5545 §3.8.5.2 counts as the first instance (it is added
 * as one more RDATE, so EXDATE still applies to it).
 */
function prepareForExpansion(master: Component): { source: Component; periodEnds: Map<number, Time> } {
  const periodEnds = new Map<number, Time>();
  const hasPeriods = master.getAllProperties('rdate').some((p) => p.type === 'period');
  const rdateOnly = !master.hasProperty('rrule');
  if (!hasPeriods && !rdateOnly) return { source: master, periodEnds };
  // Same parent, so TZIDs still resolve through the object's own VTIMEZONEs.
  const source = new ICAL.Component(structuredClone(master.jCal), master.parent ?? undefined);
  for (const rdate of source.getAllProperties('rdate')) {
    if (rdate.type !== 'period') continue;
    const starts = rdate.getValues().map((value: unknown) => {
      if (!(value instanceof ICAL.Period)) throw new IcalError('malformed RDATE;VALUE=PERIOD');
      periodEnds.set(value.start.toUnixTime(), value.getEnd());
      return value.start.clone();
    });
    rdate.resetType('date-time');
    rdate.setValues(starts);
  }
  if (rdateOnly) {
    const dtstart = startOf(source);
    const first = new ICAL.Property('rdate');
    const tzid = source.getFirstProperty('dtstart')?.getParameter('tzid');
    if (typeof tzid === 'string') first.setParameter('tzid', tzid);
    first.setValue(dtstart.clone());
    source.addProperty(first);
  }
  return { source, periodEnds };
}

/**
 * The master's occurrences (RRULE + RDATE − EXDATE, via ical.js), in order of start.
 * A master without RRULE/RDATE yields its DTSTART once. Stops after MAX_OCCURRENCES.
 * With a `window`, occurrences starting before `window.notBefore` may be left out (see fastForward):
 * the caller promises not to want them. `onCutOff` hears when the cap stopped a rule that went on,
 * with the start of the last occurrence generated.
 */
export function* masterOccurrences(
  master: Component,
  window?: ExpansionWindow,
  onCutOff?: (lastStart: Time | null) => void,
): Generator<MasterOccurrence> {
  const dtstart = startOf(master);
  if (!master.hasProperty('rrule') && !master.hasProperty('rdate')) {
    yield { start: dtstart.clone(), end: null };
    return;
  }
  let expansion: ICAL.RecurExpansion;
  let prepared: ReturnType<typeof prepareForExpansion>;
  let forward: FastForward | null = null;
  try {
    prepared = prepareForExpansion(master);
    if (window && prepared.source === master) forward = tryFastForward(master, dtstart, window);
    expansion = new ICAL.RecurExpansion(forward ?? { component: prepared.source, dtstart });
  } catch (error) {
    throw invalidRule(error);
  }
  const skipping = forward !== null;
  // RecurExpansion returns a fresh clone for every RRULE instance, but its own stored objects for RDATE
  // instances: only those need copying before callers see them.
  const shared = prepared.source.hasProperty('rdate');
  let previous: number | null = null;
  let last: Time | null = null;
  for (let i = 0; i < MAX_OCCURRENCES; i++) {
    let next: Time | undefined;
    try {
      next = expansion.next();
    } catch (error) {
      throw invalidRule(error);
    }
    if (!next) return;
    last = next;
    // An RDATE equal to DTSTART (or listed twice) is one instance, not two.
    const instant = next.toUnixTime();
    if (instant === previous) continue;
    previous = instant;
    // A restarted expansion's first instances may not be the series' own: they lie before notBefore.
    if (skipping && window && toInstant(next, window.zone) < window.notBefore) continue;
    // ical.js hands out its internal RDATE objects; never let callers mutate them.
    const periodEnd = prepared.periodEnds.size > 0 ? prepared.periodEnds.get(instant) : undefined;
    yield { start: shared ? next.clone() : next, end: periodEnd?.clone() ?? null };
  }
  if (onCutOff && !expansion.complete) onCutOff(last ? last.clone() : null);
}

/** fastForward, or null (expand from DTSTART, which reports any problem with the rule) if it fails. */
function tryFastForward(master: Component, dtstart: Time, window: ExpansionWindow): FastForward | null {
  try {
    return fastForward(master, dtstart, window, MAX_OCCURRENCES);
  } catch {
    return null;
  }
}

function invalidRule(error: unknown): IcalError {
  if (error instanceof IcalError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new IcalError(`cannot expand recurrence: ${message}`, { cause: error });
}

/** The occurrence key of an override's RECURRENCE-ID (see occurrenceKey). */
export function overrideKey(series: Series, override: Component): string {
  return occurrenceKey(recurrenceIdOf(override), series.allDay, series.defaultZone);
}

/**
 * Finds the master occurrence with the given key, or null if the series has none. Walks the
 * expansion only until it has passed the key.
 */
export function findMasterOccurrence(series: Series, key: string): MasterOccurrence | null {
  const master = series.master;
  if (!master) return null;
  const target = series.allDay ? null : Date.parse(key);
  if (target !== null && Number.isNaN(target)) return null;
  for (const occurrence of masterOccurrences(master)) {
    const candidate = occurrenceKey(occurrence.start, series.allDay, series.defaultZone);
    if (candidate === key) return occurrence;
    const passed = target === null ? candidate > key : Date.parse(candidate) > target;
    if (passed) return null;
  }
  return null;
}

/**
 * An override with RECURRENCE-ID;RANGE=THISANDFUTURE (RFC 5545 §3.8.4.4): it stands for its own
 * occurrence and every later one that has no override of its own. Read as ical.js's Event does:
 * the later occurrences take the override's properties and length, and move by the override's
 * shift — DTSTART minus RECURRENCE-ID on the wall clock, so "from now on at 11:00 instead of 10:00"
 * stays 11:00 across a DST change.
 */
export interface RangeOverride {
  component: Component;
  /** Instant (ms) of its RECURRENCE-ID: it governs occurrences from here on. */
  from: number;
  /** Wall-clock shift in seconds. */
  shift: number;
  /** The zone its DTSTART is written in; shifted occurrences are written in it. */
  zone: Timezone | null;
}

const wallSeconds = (t: Time) => Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) / 1000;

/** The series' THISANDFUTURE overrides, by their RECURRENCE-ID's instant. */
export function rangeOverridesOf(series: Series): RangeOverride[] {
  const ranges: RangeOverride[] = [];
  for (const override of series.overrides) {
    const range = override.getFirstProperty('recurrence-id')?.getParameter('range');
    if (typeof range !== 'string' || range.toUpperCase() !== 'THISANDFUTURE') continue;
    const rid = recurrenceIdOf(override);
    const start = startOf(override);
    ranges.push({
      component: override,
      from: toInstant(rid, series.defaultZone),
      shift: wallSeconds(start) - wallSeconds(rid),
      zone: start.isDate ? null : start.zone,
    });
  }
  return ranges.sort((a, b) => a.from - b.from);
}

/** The THISANDFUTURE override governing the master occurrence that starts at `startMs`, if any. */
export function governingRange(ranges: RangeOverride[], startMs: number): RangeOverride | null {
  let found: RangeOverride | null = null;
  for (const range of ranges) {
    if (range.from > startMs) break;
    found = range;
  }
  return found;
}

/** Where a master occurrence starting at `start` lies under a THISANDFUTURE override. */
export function shiftedStart(start: Time, range: RangeOverride): Time {
  const moved = start.clone();
  if (range.zone && !moved.isDate) moved.zone = range.zone;
  moved.adjust(0, 0, 0, range.shift);
  return moved;
}
