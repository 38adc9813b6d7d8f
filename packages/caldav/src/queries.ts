import type { DAVRequest } from 'tsdav';

/**
 * REPORT bodies in xml-js "compact" form, as tsdav serialises them. Unprefixed names get the
 * CalDAV prefix `c:` (tsdav's default namespace for calendar reports); DAV: elements are `d:`.
 */

/** The two properties every object fetch asks for: the ETag for conditional writes, and the data. */
export const objectProps = { 'd:getetag': {}, 'c:calendar-data': {} } as const;

/** What a listing asks for: the version only, so the data of unchanged objects need not travel. */
export const versionProps = { 'd:getetag': {} } as const;

/** CalDAV's UTC date-time form (RFC 4791 §9.9): 20260101T100000Z. */
export function caldavUtc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}

function veventFilter(inner: Record<string, unknown>): Record<string, unknown> {
  return {
    'comp-filter': {
      _attributes: { name: 'VCALENDAR' },
      'comp-filter': { _attributes: { name: 'VEVENT' }, ...inner },
    },
  };
}

/**
 * VEVENTs overlapping [start, end). The server matches a recurring master when any of its
 * occurrences falls in the range, and returns the master as stored (RRULE, overrides), unexpanded.
 */
export function timeRangeFilter(range: { start: Date; end: Date }): Record<string, unknown> {
  return veventFilter({ 'time-range': { _attributes: { start: caldavUtc(range.start), end: caldavUtc(range.end) } } });
}

/**
 * VEVENTs that carry the property at all (a prop-filter with no test is "is defined", RFC 4791 §9.7.2),
 * whatever their dates. Used with RRULE and RDATE to get every recurring object without relying on
 * the server's recurrence evaluation: Xandikos 0.2.8 misses a series that started before a time range,
 * SabreDAV 1.8 misses an RDATE inside one. CalDAV filters have no OR, hence one query per property.
 */
export function definedFilter(property: 'RRULE' | 'RDATE'): Record<string, unknown> {
  return veventFilter({ 'prop-filter': { _attributes: { name: property } } });
}

/**
 * VEVENTs whose UID contains `uid` (text-match is a substring match, RFC 4791 §9.7.5), compared
 * byte for byte (`i;octet`) rather than with the default case-insensitive collation.
 * xml-js escapes the text, so any UID is safe to embed.
 */
export function uidFilter(uid: string): Record<string, unknown> {
  return veventFilter({
    'prop-filter': {
      _attributes: { name: 'UID' },
      'text-match': { _attributes: { collation: 'i;octet' }, _text: uid },
    },
  });
}

/**
 * calendar-multiget for tsdav's low-level `davRequest`. tsdav's own `calendarMultiGet` throws an untyped
 * error when any href is missing (a per-response 404 inside the 207), which is exactly the case
 * `fetchObject` must answer with `undefined`; davRequest returns each response with its status instead.
 */
export function multigetRequest(paths: readonly string[]): DAVRequest {
  return {
    method: 'REPORT',
    namespace: 'c',
    headers: { depth: '1' },
    body: {
      'calendar-multiget': {
        _attributes: { 'xmlns:d': 'DAV:', 'xmlns:c': 'urn:ietf:params:xml:ns:caldav' },
        'd:prop': objectProps,
        'd:href': [...paths],
      },
    },
  };
}
