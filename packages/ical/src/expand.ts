import ICAL from 'ical.js';

import { normaliseAddress, parseJcal, textValue, type JcalComponent } from './parse.js';
import {
  MAX_OCCURRENCES,
  endReader,
  governingRange,
  masterOccurrences,
  occurrenceEnd,
  openSeries,
  overrideKey,
  rangeOverridesOf,
  shiftedStart,
  startOf,
  type EndReader,
  type Series,
} from './series.js';
import { type ExpansionWindow } from './fast-forward.js';
import { occurrenceKey, overlapsWindow, toInstant } from './time.js';
import { expandSingleEvent } from './single-event.js';
import { parseJcalShared } from './shared-vtimezones.js';

type Component = ICAL.Component;
type Time = ICAL.Time;

const DAY_MS = 86_400_000;

/** One occurrence of a calendar object, as the clearing logic needs it. */
export interface ExpandedOccurrence {
  uid: string;
  /** Original start of this occurrence as UTC ISO string (e.g. '2026-03-02T09:00:00.000Z'), or 'YYYY-MM-DD' for all-day series; null for a non-recurring event */
  recurrenceId: string | null;
  start: Date;
  end: Date;
  allDay: boolean;
  /** The object has RRULE/RDATE (or overrides). */
  isRecurring: boolean;
  /** Comes from a RECURRENCE-ID component (its own, or a RANGE=THISANDFUTURE one before it). */
  isOverride: boolean;
  /** '' if none. */
  summary: string;
  description: string | null;
  /** Email, 'mailto:' stripped, lower-cased. */
  organizer: string | null;
  /** The series' CREATED (the master's), fallback the master's DTSTAMP. */
  created: Date | null;
  dtstamp: Date | null;
  /** Of this occurrence (the override's if overridden). */
  status: 'TENTATIVE' | 'CONFIRMED' | 'CANCELLED' | null;
  /** The master VEVENT has STATUS:CANCELLED. */
  masterCancelled: boolean;
  /** TRANSP:TRANSPARENT. */
  transparent: boolean;
  /** PARTSTAT (upper-case, default NEEDS-ACTION) of the first ATTENDEE matching roomAddresses; null if the room is not an attendee. */
  roomPartstat: string | null;
  /** X-ROOMBOOK-PRIORITY of this occurrence's component (the override's, else the master's); null if absent. */
  priorityMark: string | null;
  /**
   * The span that mark was made for: the series' own DTSTART/DTEND when the mark is the master's
   * (so every occurrence of a prioritized series keeps it, while a copy moved elsewhere does not),
   * else this occurrence's own start and end.
   */
  markedSpan: { start: Date; end: Date };
}

/** What expandObject needs besides the object. */
export interface ExpandOptions {
  /** Window start (inclusive). */
  from: Date;
  /** Window end (exclusive). */
  to: Date;
  /** IANA zone for floating times and all-day dates (the calendar's zone). */
  defaultTimeZone: string;
  /** The room's calendar addresses (with or without 'mailto:'), to find its ATTENDEE. */
  roomAddresses: string[];
  /**
   * Hears when the runaway guard (MAX_OCCURRENCES) cut the series off before the window's end, so
   * occurrences after `expandedUntil` are missing from the result (issue 8: report, never drop silently).
   */
  onTruncated?: (notice: TruncatedExpansion) => void;
}

/** A series whose expansion the runaway guard stopped. */
export interface TruncatedExpansion {
  uid: string;
  /** How many occurrences were generated before the guard stopped the expansion. */
  limit: number;
  /** Start of the last occurrence generated (the series is unknown after it); null if none. */
  expandedUntil: Date | null;
}

/** The per-component part of an ExpandedOccurrence (dtstamp as ms: each occurrence gets its own Date). */
type ComponentFields = Pick<
  ExpandedOccurrence,
  'summary' | 'description' | 'organizer' | 'status' | 'transparent' | 'roomPartstat' | 'priorityMark'
> & { dtstamp: number | null };

function dateValue(component: Component | null, name: string, series: Series): Date | null {
  const value = component?.getFirstPropertyValue(name);
  return value instanceof ICAL.Time ? new Date(toInstant(value, series.defaultZone)) : null;
}

function statusOf(component: Component | null): ExpandedOccurrence['status'] {
  const status = component ? textValue(component, 'status')?.toUpperCase() : undefined;
  return status === 'TENTATIVE' || status === 'CONFIRMED' || status === 'CANCELLED' ? status : null;
}

function roomPartstat(component: Component, rooms: ReadonlySet<string>): string | null {
  for (const attendee of component.getAllProperties('attendee')) {
    const address = attendee.getFirstValue();
    if (typeof address !== 'string' || !rooms.has(normaliseAddress(address))) continue;
    const partstat = attendee.getParameter('partstat');
    return typeof partstat === 'string' && partstat !== '' ? partstat.toUpperCase() : 'NEEDS-ACTION';
  }
  return null;
}

/**
 * What expanding the master may skip: occurrences starting so long before `from` that they end before
 * it (the length is the master's — DTEND/DURATION, read once — plus two days for DST and nominal
 * days). Null with RDATEs, whose PERIOD values bring lengths of their own.
 */
function masterWindow(series: Series, master: Component, from: number, to: number): ExpansionWindow | null {
  if (master.hasProperty('rdate') || !master.hasProperty('rrule')) return null;
  const dtstart = startOf(master);
  const length = endReader(series, master)(dtstart, null) - toInstant(dtstart, series.defaultZone);
  return { notBefore: from - Math.max(0, length) - 2 * DAY_MS, to, zone: series.defaultZone };
}

/** The last room address set made, with a copy of the list it was made from. */
let lastRooms: { addresses: string[]; rooms: ReadonlySet<string> } | null = null;

/**
 * The normalised set of `addresses`. A clear expands thousands of objects with the same addresses:
 * the set is made again only when the list differs from the last one (compared by value, so a caller
 * changing its array in place still gets the right set).
 */
function roomSet(addresses: readonly string[]): ReadonlySet<string> {
  const last = lastRooms;
  if (last !== null && last.addresses.length === addresses.length && last.addresses.every((address, i) => address === addresses[i])) {
    return last.rooms;
  }
  const rooms = new Set(addresses.map(normaliseAddress));
  lastRooms = { addresses: [...addresses], rooms };
  return rooms;
}

/**
 * Every occurrence of one calendar object (master + RECURRENCE-ID overrides) that overlaps
 * [from, to), sorted by start. Recurrences are expanded here, client-side, because server-side
 * expansion differs between CalDAV servers. Throws IcalError on unusable input.
 */
export function expandObject(ics: string, options: ExpandOptions): ExpandedOccurrence[] {
  const root = parseJcalShared(ics);
  const rooms = roomSet(options.roomAddresses);
  return expandSingleEvent(root, options, rooms) ?? expandParsed(root, options, rooms);
}

/**
 * expandObject without its shortcuts (the one-off fast path of single-event.ts, VTIMEZONEs parsed once
 * in shared-vtimezones.ts): the general path, which the tests compare it with.
 */
export function expandGeneral(ics: string, options: ExpandOptions): ExpandedOccurrence[] {
  return expandParsed(parseJcal(ics), options, new Set(options.roomAddresses.map(normaliseAddress)));
}

function expandParsed(root: JcalComponent, options: ExpandOptions, rooms: ReadonlySet<string>): ExpandedOccurrence[] {
  const series = openSeries(root, options.defaultTimeZone);
  const from = options.from.getTime();
  const to = options.to.getTime();
  const master = series.master;
  const seriesInfo = master ?? series.overrides[0] ?? null;
  const created = dateValue(seriesInfo, 'created', series) ?? dateValue(seriesInfo, 'dtstamp', series);
  const masterCancelled = statusOf(master) === 'CANCELLED';
  // Read only for objects that carry a priority mark, and never fatal: an object must not become
  // unreadable for the sake of its mark (a mark that cannot be checked simply does not count).
  let masterSpan: { start: number; end: number } | null | undefined;
  const masterSpanOf = (): { start: number; end: number } | null => {
    if (masterSpan === undefined) {
      try {
        const dtstart = master ? startOf(master) : null;
        masterSpan = master && dtstart ? { start: toInstant(dtstart, series.defaultZone), end: endReader(series, master)(dtstart, null) } : null;
      } catch {
        masterSpan = null;
      }
    }
    return masterSpan;
  };

  // What an occurrence reports about its component is the same for every occurrence of it: read it
  // once per component, not once per occurrence (a weekly master has ~52 in a year's window).
  const fields = new Map<Component, ComponentFields>();
  const fieldsOf = (component: Component): ComponentFields => {
    let read = fields.get(component);
    if (!read) {
      const organizer = textValue(component, 'organizer') ?? (master ? textValue(master, 'organizer') : null);
      const dtstamp = dateValue(component, 'dtstamp', series);
      read = {
        summary: textValue(component, 'summary') ?? '',
        description: textValue(component, 'description'),
        organizer: organizer === null ? null : normaliseAddress(organizer),
        dtstamp: dtstamp === null ? null : dtstamp.getTime(),
        status: statusOf(component),
        transparent: textValue(component, 'transp')?.toUpperCase() === 'TRANSPARENT',
        roomPartstat: roomPartstat(component, rooms),
        priorityMark: textValue(component, 'x-roombook-priority') ?? (master ? textValue(master, 'x-roombook-priority') : null),
      };
      fields.set(component, read);
    }
    return read;
  };

  /** The occurrence [startMs, endMs) of `component` (the caller has checked it overlaps the window). */
  const occurrence = (
    component: Component,
    start: Time,
    startMs: number,
    endMs: number,
    recurrenceId: string | null,
    isOverride: boolean,
  ): ExpandedOccurrence => {
    const read = fieldsOf(component);
    const fromMaster = read.priorityMark !== null && (component === master || textValue(component, 'x-roombook-priority') === null);
    const span = (fromMaster ? masterSpanOf() : null) ?? { start: startMs, end: endMs };
    return {
      uid: series.uid,
      recurrenceId,
      start: new Date(startMs),
      end: new Date(endMs),
      allDay: start.isDate,
      isRecurring: series.recurring,
      isOverride,
      summary: read.summary,
      description: read.description,
      organizer: read.organizer,
      created,
      // A Date of its own per occurrence, as before: callers may hold on to (or mutate) them.
      dtstamp: read.dtstamp === null ? null : new Date(read.dtstamp),
      status: read.status,
      masterCancelled,
      transparent: read.transparent,
      roomPartstat: read.roomPartstat,
      priorityMark: read.priorityMark,
      markedSpan: { start: new Date(span.start), end: new Date(span.end) },
    };
  };

  const result: ExpandedOccurrence[] = [];
  // Overrides are placed by their own DTSTART, so one moved into the window from outside it (or out
  // of it) is handled independently of where its original slot lies.
  const overridden = new Set<string>();
  for (const override of series.overrides) {
    const key = overrideKey(series, override);
    overridden.add(key);
    const start = startOf(override);
    const startMs = toInstant(start, series.defaultZone);
    const endMs = occurrenceEnd(series, override, start);
    if (overlapsWindow(startMs, endMs, from, to)) result.push(occurrence(override, start, startMs, endMs, key, true));
  }
  if (master) {
    // A long series is mostly outside the window: per instance, only its start and end are read (the
    // length once per series) until it overlaps; its key and fields only then.
    let endOf: EndReader | null = null;
    const cutOff = (last: Time | null) =>
      options.onTruncated?.({
        uid: series.uid,
        limit: MAX_OCCURRENCES,
        expandedUntil: last ? new Date(toInstant(last, series.defaultZone)) : null,
      });
    // THISANDFUTURE overrides move later occurrences, possibly from outside the window into it: then
    // the series is walked from its start, and on until no moved occurrence can still reach the window.
    const ranges = rangeOverridesOf(series);
    const window = ranges.length > 0 ? undefined : (masterWindow(series, master, from, to) ?? undefined);
    const earliest = Math.min(0, ...ranges.map((r) => r.shift)) * 1000;
    const stopAt = to - earliest + (ranges.length > 0 ? 2 * DAY_MS : 0);
    for (const { start, end } of masterOccurrences(master, window, cutOff)) {
      const startMs = toInstant(start, series.defaultZone);
      if (startMs >= stopAt) break;
      const range = ranges.length > 0 ? governingRange(ranges, startMs) : null;
      if (range) {
        const key = occurrenceKey(start, series.allDay, series.defaultZone);
        if (overridden.has(key)) continue;
        const moved = shiftedStart(start, range);
        const movedMs = toInstant(moved, series.defaultZone);
        const movedEnd = occurrenceEnd(series, range.component, moved);
        if (overlapsWindow(movedMs, movedEnd, from, to)) result.push(occurrence(range.component, moved, movedMs, movedEnd, key, true));
        continue;
      }
      if (startMs >= to) continue;
      endOf ??= endReader(series, master);
      const endMs = endOf(start, end);
      if (!overlapsWindow(startMs, endMs, from, to)) continue;
      const key = series.recurring ? occurrenceKey(start, series.allDay, series.defaultZone) : null;
      if (key !== null && overridden.has(key)) continue;
      result.push(occurrence(master, start, startMs, endMs, key, false));
    }
  }
  return result.sort((a, b) => a.start.getTime() - b.start.getTime());
}
