import { WINDOWS_TO_IANA_MAP } from 'windows-iana';

import { canonicalZoneName as runtimeZoneName } from '@roombook/zones';

const UTC_IDS = new Set(['UTC', 'Z', 'GMT', 'ETC/UTC', 'ETC/GMT', 'ETC/ZULU', 'ZULU', 'UNIVERSAL']);

/** True for the ids that mean plain UTC, which need no VTIMEZONE. */
export function isUtcZoneId(tzid: string): boolean {
  return UTC_IDS.has(tzid.toUpperCase());
}

/**
 * CLDR's windowsZones: each Windows zone's territory-"001" entry is the IANA zone that stands for
 * it (W. Europe Standard Time -> Europe/Berlin). Keyed by lower case: Exchange and Outlook spell the
 * names as Microsoft does, other writers may not.
 */
const windowsToIana = new Map<string, string>();
for (const entry of WINDOWS_TO_IANA_MAP) {
  const [iana] = entry.iana;
  if (entry.territory === '001' && iana !== undefined) windowsToIana.set(entry.windowsName.toLowerCase(), iana);
}

/** The runtime zone a Windows zone name ("W. Europe Standard Time") stands for, or null. */
function windowsZone(tzid: string): string | null {
  const iana = windowsToIana.get(tzid.toLowerCase());
  return iana === undefined ? null : runtimeZoneName(iana);
}

/**
 * The runtime zone (its canonical name, or 'UTC') that a TZID names, or null when it names none:
 * UTC ids; IANA names, deprecated aliases included (Europe/Kiev, US/Eastern), also behind a vendor
 * prefix (old Thunderbird: "/mozilla.org/20050126_1/Europe/Berlin"); Windows names through CLDR.
 * Nothing is guessed: an id none of these explains is null.
 */
export function resolveTzid(tzid: string): string | null {
  const id = tzid.trim();
  if (isUtcZoneId(id)) return 'UTC';
  const windows = windowsZone(id);
  if (windows) return windows;
  const parts = id.split('/').filter((p) => p !== '');
  for (let i = 0; i < parts.length; i++) {
    const candidate = parts.slice(i).join('/');
    // A bare word is only a zone when it is the whole id ("EST5EDT", "CET"), never a prefix's tail.
    if (i > 0 && !candidate.includes('/')) continue;
    if (isUtcZoneId(candidate)) return 'UTC';
    const zone = runtimeZoneName(candidate);
    if (zone) return zone;
  }
  return null;
}
