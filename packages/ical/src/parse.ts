import ICAL from 'ical.js';

import { IcalError } from './errors.js';

type Component = ICAL.Component;

/** One calendar object as CalDAV stores it: a VCALENDAR holding the VEVENTs of one UID. */
export interface ParsedObject {
  /** The VCALENDAR, with every component of the original (VTIMEZONEs, X- components…). */
  root: Component;
  uid: string;
  /** The VEVENT without RECURRENCE-ID; null when the server only holds overrides (invited to one instance). */
  master: Component | null;
  /** VEVENTs with RECURRENCE-ID, in file order. */
  overrides: Component[];
}

/** A VCALENDAR as ical.js parses it (jCal: [name, properties, subcomponents]), before any Component wraps it. */
export type JcalComponent = [string, JcalProperty[], JcalComponent[]];
/** [name, parameters, value type, ...values] */
export type JcalProperty = [string, Record<string, unknown>, string, ...unknown[]];

/** Parses iCalendar text into its VCALENDAR component; IcalError on anything unparsable. */
export function parseCalendar(ics: string): Component {
  return new ICAL.Component(parseJcal(ics));
}

/** Parses iCalendar text into the jCal of its VCALENDAR (see parseCalendar). */
export function parseJcal(ics: string): JcalComponent {
  let jcal: unknown;
  try {
    jcal = ICAL.parse(ics);
  } catch (error) {
    throw new IcalError(`unparsable iCalendar data: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  // ICAL.parse returns an array of components when the text holds several; a calendar object is one.
  const first: unknown = Array.isArray(jcal) && Array.isArray(jcal[0]) ? jcal[0] : jcal;
  if (!Array.isArray(first) || first[0] !== 'vcalendar') {
    throw new IcalError('iCalendar data is not a VCALENDAR');
  }
  return first as JcalComponent;
}

/**
 * Parses one calendar object and sorts its VEVENTs into master and overrides.
 * Throws IcalError on unparsable input, no VEVENT, a VEVENT without UID, or several UIDs.
 */
export function parseObject(ics: string | JcalComponent): ParsedObject {
  const root = typeof ics === 'string' ? parseCalendar(ics) : new ICAL.Component(ics);
  const events = root.getAllSubcomponents('vevent');
  if (events.length === 0) throw new IcalError('VCALENDAR contains no VEVENT');
  const uids = new Set<string>();
  let master: Component | null = null;
  const overrides: Component[] = [];
  for (const event of events) {
    const uid = event.getFirstPropertyValue('uid');
    if (typeof uid !== 'string' || uid === '') throw new IcalError('VEVENT without UID');
    uids.add(uid);
    if (event.hasProperty('recurrence-id')) overrides.push(event);
    else if (master) throw new IcalError(`two VEVENTs for UID "${uid}" without RECURRENCE-ID`);
    else master = event;
  }
  const [uid] = uids;
  if (uid === undefined || uids.size > 1) {
    throw new IcalError(`calendar object holds several UIDs: ${[...uids].join(', ')}`);
  }
  return { root, uid, master, overrides };
}

/** The UID of a calendar object (for naming, auditing and matching it); IcalError if there is none. */
export function objectUid(ics: string): string {
  return parseObject(ics).uid;
}

/** A property's first value as text, or null when absent / not text. */
export function textValue(component: Component, name: string): string | null {
  const value = component.getFirstPropertyValue(name);
  return typeof value === 'string' ? value : null;
}

/** A calendar address without its scheme, lower-cased, for comparing addresses. */
export function normaliseAddress(address: string): string {
  return address.trim().replace(/^mailto:/i, '').toLowerCase();
}
