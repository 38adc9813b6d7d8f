/**
 * @roombook/ical — iCalendar read/write for room calendars: expand a calendar object into its
 * occurrences, edit one occurrence precisely (decline / cancel), and build new bookings. Pure: no I/O.
 */
export { IcalError } from './errors.js';
export { objectUid, parseObject, type ParsedObject } from './parse.js';
export { expandObject, type ExpandedOccurrence, type ExpandOptions, type TruncatedExpansion } from './expand.js';
export { MAX_OCCURRENCES } from './series.js';
export { cancelOccurrence, declineOccurrence, type CancelOptions, type DeclineOptions } from './edit.js';
export { PRIORITY_PROPERTY, buildEvent, type BuildEventInput } from './build-event.js';
