import ICAL from 'ical.js';

import { IcalError } from './errors.js';
import { RuntimeTimezone } from './runtime-zone.js';
import { isUtcZoneId, resolveTzid } from './tzid.js';

type Component = ICAL.Component;
type Time = ICAL.Time;
type Timezone = ICAL.Timezone;

export { isUtcZoneId };

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

// Named zones depend only on the TZID's spelling (never on an object's own VTIMEZONE), so sharing
// them cannot leak one object's definition into another object's result. Real calendars use a
// handful of spellings; the limit only bounds memory.
const MAX_NAMED_ZONES = 1_000;
const namedZones = new Map<string, Timezone | null>();

/**
 * The zone a TZID names in the runtime's zone data (IANA, alias, Windows; see resolveTzid), as an
 * ical.js Timezone that keeps the object's spelling as its tzid; null when the TZID names none.
 */
export function namedZone(tzid: string): Timezone | null {
  let zone = namedZones.get(tzid);
  if (zone === undefined) {
    const runtime = resolveTzid(tzid);
    zone = runtime === null ? null : new RuntimeTimezone(tzid, runtime);
    if (namedZones.size >= MAX_NAMED_ZONES) namedZones.clear();
    namedZones.set(tzid, zone);
  }
  return zone;
}

/** The ical.js Timezone for a zone name (a calendar's zone); IcalError for an unknown one. */
export function ianaZone(name: string): Timezone {
  const zone = namedZone(name);
  if (!zone) throw new IcalError(`unknown time zone "${name}"`);
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
 * Makes every TZID referenced in `root` resolve without ical.js's process-global TimezoneService
 * (where another object's definition of the same TZID could live), by issue 8's rule: a TZID that
 * names a zone (IANA, alias, Windows) is read with the runtime's current rules, even when the object
 * ships a VTIMEZONE for it (clients copy theirs from tables that go stale: a 2018 VTIMEZONE for
 * America/Sao_Paulo still has summer time); a TZID that names none is read with the VTIMEZONE the
 * object ships; one with neither is never guessed: IcalError, and the object is left alone.
 * Nothing is added to the object. Must run before any time value of the object is read: ical.js
 * resolves a TZID when it first decodes a value.
 */
export function resolveTimezones(root: Component): void {
  const defined = definedZones(root);
  const zones = new Map<string, Timezone>();
  for (const tzid of referencedTzids(root, new Set())) {
    const definition = defined.get(tzid);
    const zone = namedZone(tzid) ?? (definition ? zoneForDefinition(definition, tzid) : null);
    if (!zone) {
      throw new IcalError(
        `unknown time zone "${tzid}": neither an IANA nor a Windows zone name, and the object defines no VTIMEZONE for it`,
      );
    }
    zones.set(tzid, zone);
  }
  if (zones.size === 0) return;
  const hydrate = root.getTimeZoneByID.bind(root);
  root.getTimeZoneByID = (tzid: string): Timezone => zones.get(tzid) ?? hydrate(tzid);
}

/**
 * The VTIMEZONE the object defines for each TZID, read through the shared zone of its definition
 * (zoneForDefinition) rather than one ical.js would hydrate — and expand from scratch — per parsed
 * object. Mirrors ical.js's own lookup (Component#getTimeZoneByID): the first VTIMEZONE with the
 * TZID wins, and a VTIMEZONE without TZID property ends the search there (ical.js's lookup fails on
 * it, and still does for the TZIDs behind it).
 */
function definedZones(root: Component): Map<string, Component> {
  const zones = new Map<string, Component>();
  for (const vtimezone of root.getAllSubcomponents('vtimezone')) {
    const property = vtimezone.getFirstProperty('tzid');
    if (!property) break;
    const tzid = property.getFirstValue();
    if (typeof tzid === 'string' && !zones.has(tzid)) zones.set(tzid, vtimezone);
  }
  return zones;
}
