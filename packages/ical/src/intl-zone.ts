/**
 * The runtime's own zone rules (ICU, through Intl) are the one source of time-zone data here: request
 * times, the expansion of TZIDs and every VTIMEZONE we write all read them, so they cannot disagree,
 * and they are as current as the Node.js release (`process.versions.tz`). Intl exposes no transition
 * list, only "which offset at this instant": everything else is derived from that. The reading
 * itself is @roombook/zones', shared with the booking domain.
 */

import { offsetSecondsAt } from '@roombook/zones';

/** The runtime's canonical name for a zone id (IANA names and their aliases), or null when unknown. */
export { canonicalZoneName as runtimeZoneName } from '@roombook/zones';

/**
 * UTC offset (seconds, east positive) of `zone` at the instant `ms`, straight from Intl (a few µs a
 * call; @roombook/zones' offsetAt answers repeated questions from the transitions it derives).
 */
export function intlOffset(zone: string, ms: number): number {
  return offsetSecondsAt(ms, zone);
}
