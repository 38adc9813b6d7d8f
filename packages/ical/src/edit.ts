import ICAL from 'ical.js';

import { IcalError } from './errors.js';
import { normaliseAddress } from './parse.js';
import {
  findMasterOccurrence,
  governingRange,
  occurrenceEnd,
  openSeries,
  overrideKey,
  rangeOverridesOf,
  shiftedStart,
  startOf,
  type MasterOccurrence,
  type RangeOverride,
  type Series,
} from './series.js';
import { addDays, daysBetween, timeLike, toInstant } from './time.js';

type Component = ICAL.Component;

/** Options of declineOccurrence. */
export interface DeclineOptions {
  /** The occurrence (as ExpandedOccurrence.recurrenceId gives it); null for a non-recurring event. */
  recurrenceId: string | null;
  /** The address whose PARTSTAT becomes DECLINED (with or without 'mailto:', any case). */
  attendee: string;
  /** Written as the edited component's DTSTAMP. */
  now: Date;
  /**
   * Zone for floating times and all-day dates — must be the one expandObject used, since a floating
   * series' recurrence ids depend on it. Default 'UTC'.
   */
  defaultTimeZone?: string;
}

/** Options of cancelOccurrence. */
export interface CancelOptions {
  /** The occurrence, as ExpandedOccurrence.recurrenceId gives it. */
  recurrenceId: string;
  /** Written as the override's DTSTAMP. */
  now: Date;
  /** As in DeclineOptions. Default 'UTC'. */
  defaultTimeZone?: string;
}

/** Mutates the component as the edit wants; returns whether anything changed. */
type Mutation = (component: Component) => boolean;

/**
 * Declines one occurrence for an attendee (the room), so a CalDAV scheduling server tells the
 * organizer. A non-recurring event is edited in place; for a series the occurrence gets (or keeps) a
 * RECURRENCE-ID override carrying the decline. Everything else in the object is kept. Idempotent:
 * an occurrence already declined comes back unchanged. Throws IcalError when the recurrence id is not
 * an occurrence of the series or the attendee is not on it.
 */
export function declineOccurrence(ics: string, options: DeclineOptions): string {
  const address = normaliseAddress(options.attendee);
  const decline: Mutation = (component) => {
    let found = false;
    let changed = lowerMailtoSchemes(component);
    for (const attendee of component.getAllProperties('attendee')) {
      const value = attendee.getFirstValue();
      if (typeof value !== 'string' || normaliseAddress(value) !== address) continue;
      found = true;
      if (attendee.getParameter('partstat') !== 'DECLINED') {
        attendee.setParameter('partstat', 'DECLINED');
        changed = true;
      }
      // RSVP=TRUE asks the attendee for an answer; a decline is that answer.
      if (attendee.getParameter('rsvp') !== undefined) {
        attendee.removeParameter('rsvp');
        changed = true;
      }
    }
    if (!found) throw new IcalError(`${address} is not an attendee of this occurrence`);
    return changed;
  };
  const defaultTimeZone = options.defaultTimeZone ?? 'UTC';
  if (options.recurrenceId !== null) {
    return editOccurrence(ics, options.recurrenceId, defaultTimeZone, options.now, decline);
  }
  const series = openSeries(ics, defaultTimeZone);
  if (series.recurring || !series.master) {
    throw new IcalError(`"${series.uid}" is a recurring series: name the occurrence to decline`);
  }
  if (!decline(series.master)) return ics;
  setStamp(series.master, options.now);
  return serialise(series);
}

/**
 * Cancels one occurrence of a series with STATUS:CANCELLED on its override — for shared calendars,
 * where the room is no attendee that could decline. Same mechanics and guarantees as
 * declineOccurrence.
 */
export function cancelOccurrence(ics: string, options: CancelOptions): string {
  const cancel: Mutation = (component) => {
    let changed = lowerMailtoSchemes(component);
    const status = component.getFirstPropertyValue('status');
    if (typeof status !== 'string' || status.toUpperCase() !== 'CANCELLED') {
      component.updatePropertyWithValue('status', 'CANCELLED');
      changed = true;
    }
    return changed;
  };
  return editOccurrence(ics, options.recurrenceId, options.defaultTimeZone ?? 'UTC', options.now, cancel);
}

function editOccurrence(ics: string, recurrenceId: string, defaultTimeZone: string, now: Date, mutate: Mutation): string {
  const series = openSeries(ics, defaultTimeZone);
  if (!series.recurring) throw new IcalError(`"${series.uid}" is not a recurring series`);
  const key = normaliseKey(recurrenceId, series.allDay);
  const existing = series.overrides.find((override) => overrideKey(series, override) === key);
  if (existing) {
    if (!mutate(existing)) return ics;
    setStamp(existing, now);
    return serialise(series);
  }
  const occurrence = findMasterOccurrence(series, key);
  if (!occurrence) throw new IcalError(`${recurrenceId} is not an occurrence of "${series.uid}"`);
  const range = governingRange(rangeOverridesOf(series), toInstant(occurrence.start, series.defaultZone));
  const override = range ? overrideUnderRange(series, occurrence, range) : newOverride(series, occurrence);
  mutate(override);
  setStamp(override, now);
  series.root.addSubcomponent(override);
  return serialise(series);
}

/** Accepts the ids expandObject produces (and equivalent spellings of the same instant). */
function normaliseKey(recurrenceId: string, allDay: boolean): string {
  if (allDay) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(recurrenceId)) return recurrenceId;
  } else if (/^\d{4}-\d{2}-\d{2}T/.test(recurrenceId)) {
    const ms = Date.parse(recurrenceId);
    if (!Number.isNaN(ms)) return new Date(ms).toISOString();
  }
  throw new IcalError(
    `malformed recurrence id "${recurrenceId}" (expected ${allDay ? "'YYYY-MM-DD'" : 'an ISO date-time'})`,
  );
}

/**
 * A RECURRENCE-ID override for the occurrence starting at `start`: a copy of the master (VALARMs,
 * X- properties and all) without the recurrence rules, moved to that occurrence, with RECURRENCE-ID
 * written like the master's DTSTART (same value type and TZID) as RFC 5545 §3.8.4.4 expects.
 */
function newOverride(series: Series, { start, end: periodEnd }: MasterOccurrence): Component {
  const master = series.master;
  if (!master) throw new IcalError(`"${series.uid}" has no master VEVENT to copy`);
  const override = new ICAL.Component(structuredClone(master.jCal));
  for (const name of ['rrule', 'rdate', 'exdate', 'exrule']) override.removeAllProperties(name);

  const dtstart = override.getFirstProperty('dtstart');
  if (!dtstart) throw new IcalError(`"${series.uid}" has no DTSTART`);
  const masterEnd = master.getFirstPropertyValue('dtend');
  const dtend = override.getFirstProperty('dtend');
  if (periodEnd) {
    // An RDATE PERIOD instance has its own length: write it as DTEND, in the DTSTART's form.
    override.removeAllProperties('duration');
    const end = timeLike(occurrenceEnd(series, master, start, periodEnd), start, series.defaultZone);
    if (dtend) dtend.setValue(end);
    else {
      const property = new ICAL.Property('dtend');
      const tzid = override.getFirstProperty('dtstart')?.getParameter('tzid');
      if (typeof tzid === 'string') property.setParameter('tzid', tzid);
      property.setValue(end);
      override.addProperty(property);
    }
  } else if (dtend && masterEnd instanceof ICAL.Time) {
    const end = start.isDate
      ? addDays(start, daysBetween(startOf(master), masterEnd))
      : timeLike(occurrenceEnd(series, master, start), masterEnd, series.defaultZone);
    dtend.setValue(end);
  }
  dtstart.setValue(start.clone());

  const recurrenceId = new ICAL.Property('recurrence-id');
  const tzid = dtstart.getParameter('tzid');
  if (typeof tzid === 'string') recurrenceId.setParameter('tzid', tzid);
  recurrenceId.setValue(start.clone());
  override.addProperty(recurrenceId);
  return override;
}

/**
 * An override for an occurrence that a RANGE=THISANDFUTURE override governs: a copy of that override
 * (it is what the occurrence looks like now: moved, renamed…) for this one occurrence, its
 * RECURRENCE-ID the occurrence's original start (written like the master's DTSTART, without RANGE).
 */
function overrideUnderRange(series: Series, { start }: MasterOccurrence, range: RangeOverride): Component {
  const override = new ICAL.Component(structuredClone(range.component.jCal));
  const moved = shiftedStart(start, range);
  const dtstart = override.getFirstProperty('dtstart');
  if (!dtstart) throw new IcalError(`"${series.uid}" has an override without DTSTART`);
  const dtend = override.getFirstProperty('dtend');
  const end = dtend?.getFirstValue();
  if (dtend && end instanceof ICAL.Time) {
    const ends = moved.isDate
      ? addDays(moved, daysBetween(startOf(range.component), end))
      : timeLike(occurrenceEnd(series, range.component, moved), end, series.defaultZone);
    dtend.setValue(ends);
  }
  dtstart.setValue(moved);
  override.removeAllProperties('recurrence-id');
  const recurrenceId = new ICAL.Property('recurrence-id');
  const tzid = series.master?.getFirstProperty('dtstart')?.getParameter('tzid');
  if (typeof tzid === 'string') recurrenceId.setParameter('tzid', tzid);
  recurrenceId.setValue(start.clone());
  override.addProperty(recurrenceId);
  return override;
}

/** DAViCal compares calendar addresses case-sensitively, and the scheme it stores is 'mailto:'. */
function lowerMailtoSchemes(component: Component): boolean {
  let changed = false;
  for (const property of [...component.getAllProperties('attendee'), ...component.getAllProperties('organizer')]) {
    const value = property.getFirstValue();
    if (typeof value === 'string' && /^mailto:/i.test(value) && !value.startsWith('mailto:')) {
      property.setValue(`mailto:${value.slice('mailto:'.length)}`);
      changed = true;
    }
  }
  return changed;
}

function setStamp(component: Component, now: Date): void {
  component.updatePropertyWithValue('dtstamp', ICAL.Time.fromJSDate(now, true));
}

/** Writes the object back (its zones were resolved without adding anything to it). */
function serialise(series: Series): string {
  const text = series.root.toString();
  return text.endsWith('\r\n') ? text : `${text}\r\n`;
}

/** Options of excludeOccurrence. */
export interface ExcludeOptions {
  /** The occurrence, as ExpandedOccurrence.recurrenceId gives it. */
  recurrenceId: string;
  /** Written as the master's DTSTAMP. */
  now: Date;
  /** As in DeclineOptions. Default 'UTC'. */
  defaultTimeZone?: string;
}

/**
 * Removes one occurrence from a series (the organizer cancels it): an EXDATE on the master, written
 * like its DTSTART (same value type and TZID, RFC 5545 §3.8.5.1), and any override of that
 * occurrence goes. Idempotent: an occurrence already excluded comes back unchanged. Throws
 * IcalError when the object is no series or the id is not one of its occurrences.
 */
export function excludeOccurrence(ics: string, options: ExcludeOptions): string {
  const series = openSeries(ics, options.defaultTimeZone ?? 'UTC');
  if (!series.recurring || !series.master) throw new IcalError(`"${series.uid}" is not a recurring series`);
  const master = series.master;
  const key = normaliseKey(options.recurrenceId, series.allDay);
  const override = series.overrides.find((o) => overrideKey(series, o) === key);
  if (override) series.root.removeSubcomponent(override);
  const occurrence = findMasterOccurrence(series, key);
  if (!occurrence) {
    if (!override) throw new IcalError(`${options.recurrenceId} is not an occurrence of "${series.uid}"`);
    setStamp(master, options.now);
    return serialise(series);
  }
  const exdate = new ICAL.Property('exdate');
  const tzid = master.getFirstProperty('dtstart')?.getParameter('tzid');
  if (typeof tzid === 'string') exdate.setParameter('tzid', tzid);
  exdate.setValue(occurrence.start.clone());
  master.addProperty(exdate);
  setStamp(master, options.now);
  return serialise(series);
}
