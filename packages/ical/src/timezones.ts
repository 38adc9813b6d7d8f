import tzdata from '@touch4it/ical-timezones';
import ICAL from 'ical.js';

import { IcalError } from './errors.js';

type Component = ICAL.Component;
type Timezone = ICAL.Timezone;

const UTC_IDS = new Set(['UTC', 'Z', 'GMT', 'ETC/UTC', 'ETC/GMT', 'ETC/ZULU', 'ZULU', 'UNIVERSAL']);

/** True for the ids that mean plain UTC, which need no VTIMEZONE. */
export function isUtcZoneId(tzid: string): boolean {
  return UTC_IDS.has(tzid.toUpperCase());
}

/**
 * The VTIMEZONE text for an IANA zone id, or null when the id is not a known IANA zone.
 * Ids with a vendor prefix (old Thunderbird: "/mozilla.org/20050126_1/Europe/Berlin") are matched on
 * their IANA suffix. The Windows names that @touch4it/ical-timezones also knows are deliberately not
 * used: several map to the wrong offset (e.g. "Pacific Standard Time" -> Etc/GMT-8, i.e. UTC+8).
 */
export function ianaVtimezone(tzid: string): string | null {
  const parts = tzid.split('/').filter((p) => p !== '');
  for (let i = 0; i < parts.length; i++) {
    const candidate = parts.slice(i).join('/');
    if (!candidate.includes('/') && !isUtcZoneId(candidate)) continue;
    const text = tzdata.getVtimezoneComponent(candidate);
    if (text) return text;
  }
  return null;
}

/** A VTIMEZONE component for an IANA zone, renamed to `tzid` so references to that TZID resolve to it. */
function vtimezoneComponent(iana: string, tzid: string): Component | null {
  const text = ianaVtimezone(iana);
  if (!text) return null;
  const component = new ICAL.Component(ICAL.parse(text) as unknown[]);
  component.updatePropertyWithValue('tzid', tzid);
  return component;
}

// Generated zones only depend on the zone id (never on an object's own VTIMEZONE), so caching them
// cannot leak one object's definition into another object's result.
const zoneCache = new Map<string, Timezone>();

/**
 * The ical.js Timezone for an IANA id (or UTC), built from @touch4it/ical-timezones and kept out of
 * ical.js's global TimezoneService. Throws IcalError for an unknown zone.
 */
export function ianaZone(iana: string): Timezone {
  if (isUtcZoneId(iana)) return ICAL.Timezone.utcTimezone;
  const cached = zoneCache.get(iana);
  if (cached) return cached;
  const component = vtimezoneComponent(iana, iana);
  if (!component) throw new IcalError(`unknown time zone "${iana}"`);
  const zone = new ICAL.Timezone({ component, tzid: iana });
  zoneCache.set(iana, zone);
  return zone;
}

/** Every TZID parameter used by a property outside the VTIMEZONE components. */
function referencedTzids(component: Component, into: Set<string>): Set<string> {
  if (component.name === 'vtimezone') return into;
  for (const property of component.getAllProperties()) {
    const tzid = property.getParameter('tzid');
    if (typeof tzid === 'string' && tzid !== '') into.add(tzid);
  }
  for (const child of component.getAllSubcomponents()) referencedTzids(child, into);
  return into;
}

/**
 * Makes every TZID referenced in `root` resolve inside `root` itself, so ical.js never falls back to its
 * process-global TimezoneService (where another object's definition of the same TZID could live).
 * A TZID without a VTIMEZONE gets one: the IANA zone of that name, or — for a non-IANA id with no
 * definition — the calendar's default zone (the best guess there is). Returns the injected components,
 * so an editor can remove them again before serialising.
 */
export function ensureTimezones(root: Component, defaultTimeZone: string): Component[] {
  const defined = new Set<string>();
  for (const vtimezone of root.getAllSubcomponents('vtimezone')) {
    const tzid = vtimezone.getFirstPropertyValue('tzid');
    if (typeof tzid === 'string') defined.add(tzid);
  }
  const injected: Component[] = [];
  for (const tzid of referencedTzids(root, new Set())) {
    if (defined.has(tzid)) continue;
    const component = isUtcZoneId(tzid)
      ? vtimezoneComponent('Etc/UTC', tzid)
      : (vtimezoneComponent(tzid, tzid) ?? vtimezoneComponent(defaultTimeZone, tzid));
    if (!component) {
      throw new IcalError(`time zone "${tzid}" is not defined and default zone "${defaultTimeZone}" is unknown`);
    }
    root.addSubcomponent(component);
    injected.push(component);
  }
  return injected;
}
