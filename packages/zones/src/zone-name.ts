import { hasRoom } from './formats.js';

/** Canonical names already resolved; unknown ids are not remembered (they come from requests). */
const names = new Map<string, string>();

/**
 * The runtime's canonical name for a zone id (IANA names in any case, their aliases, UTC), or null
 * when the runtime does not know it: `europe/berlin` gives `Europe/Berlin`.
 */
export function canonicalZoneName(id: string): string | null {
  const known = names.get(id);
  if (known !== undefined) return known;
  // Intl refuses blank ids too; this saves it the work
  if (id.trim() === '') return null;
  let name: string;
  try {
    name = new Intl.DateTimeFormat('en-US', { timeZone: id }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  if (hasRoom(names)) names.set(id, name);
  return name;
}

/** True when the runtime knows the zone (IANA names, e.g. Europe/Berlin, and UTC). */
export function isTimeZone(id: string): boolean {
  return canonicalZoneName(id) !== null;
}
