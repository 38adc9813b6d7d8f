import tzdata from '@touch4it/ical-timezones';
import ICAL from 'ical.js';

import { IcalError } from './errors.js';

type Component = ICAL.Component;
type Time = ICAL.Time;
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

// The bundled VTIMEZONE texts never change at run time, so each is looked up and parsed once per
// process; callers get their own copy of the parsed tree (it is renamed and added to an object).
// Keyed by the TZIDs objects use, which real calendars keep to a handful; the limit only bounds memory.
const MAX_CACHED_IDS = 1_000;
const ianaTextCache = new Map<string, string | null>();
const ianaJcalCache = new Map<string, unknown[]>();

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= MAX_CACHED_IDS) cache.clear();
  cache.set(key, value);
  return value;
}

function cachedIanaVtimezone(iana: string): string | null {
  const text = ianaTextCache.get(iana);
  return text === undefined ? remember(ianaTextCache, iana, ianaVtimezone(iana)) : text;
}

/** A VTIMEZONE component for an IANA zone, renamed to `tzid` so references to that TZID resolve to it. */
function vtimezoneComponent(iana: string, tzid: string): Component | null {
  let jcal = ianaJcalCache.get(iana);
  if (!jcal) {
    const text = cachedIanaVtimezone(iana);
    if (!text) return null;
    jcal = remember(ianaJcalCache, iana, ICAL.parse(text) as unknown[]);
  }
  const component = new ICAL.Component(structuredClone(jcal));
  component.updatePropertyWithValue('tzid', tzid);
  return component;
}

/**
 * Every zone built here is expanded to at least this year the first time it is used. ical.js expands a
 * zone lazily up to the year asked for (+5) and, asked for a later year, expands it again *appending*
 * duplicate transitions, which can change the offset it picks for an ambiguous wall-clock time. A
 * zone shared between objects must answer the same whatever was read before, so MemoTimezone always
 * expands afresh instead; this year only makes that rare (expanding a zone from 1601 is not cheap).
 */
const COVERAGE_YEAR = 2040;
/** Memoised offsets per zone; a safety valve, far above what a clear of one calendar needs. */
const MAX_MEMOISED_OFFSETS = 200_000;

/**
 * An ical.js Timezone that remembers the UTC offset of every wall-clock time it was asked about.
 * ical.js recomputes it on every Time comparison (RecurExpansion compares each step with UNTIL,
 * EXDATEs and RDATEs), cloning transitions each time; with a VTIMEZONE starting in 1601 that was most
 * of the expansion time. The memo is exact: the offset is a pure function of the six wall-clock fields
 * once the transitions are expanded without duplicates (see COVERAGE_YEAR).
 */
class MemoTimezone extends ICAL.Timezone {
  #coveredUntil = -Infinity;
  readonly #offsets = new Map<number, number>();

  override _ensureCoverage(year: number): void {
    if (year <= this.#coveredUntil && this.changes.length > 0) return;
    const target = Math.max(year, COVERAGE_YEAR);
    this.changes = [];
    this.#offsets.clear();
    super._ensureCoverage(target);
    this.#coveredUntil = target;
  }

  override utcOffset(time: Time): number {
    const { year, month, day, hour, minute, second } = time;
    // Normalised fields only (ical.js normalises on read), so the key below is one-to-one.
    const normal =
      Number.isInteger(year) && year >= 0 && year <= 9999 &&
      Number.isInteger(month) && month >= 1 && month <= 12 &&
      Number.isInteger(day) && day >= 1 && day <= 31 &&
      Number.isInteger(hour) && hour >= 0 && hour <= 23 &&
      Number.isInteger(minute) && minute >= 0 && minute <= 59 &&
      Number.isInteger(second) && second >= 0 && second <= 59;
    if (!normal) return super.utcOffset(time);
    const key = ((((year * 12 + month - 1) * 31 + day - 1) * 24 + hour) * 60 + minute) * 60 + second;
    let offset = this.#offsets.get(key);
    if (offset === undefined) {
      offset = super.utcOffset(time);
      if (this.#offsets.size >= MAX_MEMOISED_OFFSETS) this.#offsets.clear();
      this.#offsets.set(key, offset);
    }
    return offset;
  }
}

/** Distinct VTIMEZONE definitions seen; real calendars use a handful, so this only guards memory. */
const MAX_DEFINITIONS = 1_000;
const definitionCache = new Map<string, Timezone>();

/**
 * The zone a VTIMEZONE defines, shared by every object carrying the very same definition. The key is
 * the component's complete jCal (TZID included), so two objects defining one TZID differently never
 * share a zone: each still reads its times with its own definition, exactly as ical.js would resolve
 * them inside the object. The shared zone is built from a detached copy, so it neither keeps the first
 * object's tree alive nor sees later edits to it.
 */
function zoneForDefinition(vtimezone: Component, tzid: string): Timezone {
  const key = JSON.stringify(vtimezone.jCal);
  let zone = definitionCache.get(key);
  if (!zone) {
    if (definitionCache.size >= MAX_DEFINITIONS) definitionCache.clear();
    zone = new MemoTimezone({ component: new ICAL.Component(JSON.parse(key) as unknown[]), tzid });
    definitionCache.set(key, zone);
  }
  return zone;
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
  const zone = zoneForDefinition(component, iana);
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
  shareZones(root);
  return injected;
}

/**
 * Makes `root` resolve each TZID to the shared zone of its definition (zoneForDefinition) instead of
 * hydrating — and expanding from scratch — a zone of its own, as ical.js does per parsed object.
 * Mirrors ical.js's own lookup (Component#getTimeZoneByID): the first VTIMEZONE with the TZID wins,
 * and a VTIMEZONE without TZID property ends the search there (ical.js's lookup fails on it, and
 * still does for the TZIDs behind it, which are left to that lookup). Must run before any time value
 * of the object is read: ical.js resolves a TZID when it first decodes a value.
 */
function shareZones(root: Component): void {
  const zones = new Map<string, Timezone>();
  for (const vtimezone of root.getAllSubcomponents('vtimezone')) {
    const property = vtimezone.getFirstProperty('tzid');
    if (!property) break;
    const tzid = property.getFirstValue();
    if (typeof tzid === 'string' && !zones.has(tzid)) zones.set(tzid, zoneForDefinition(vtimezone, tzid));
  }
  if (zones.size === 0) return;
  const hydrate = root.getTimeZoneByID.bind(root);
  root.getTimeZoneByID = (tzid: string): Timezone => zones.get(tzid) ?? hydrate(tzid);
}
