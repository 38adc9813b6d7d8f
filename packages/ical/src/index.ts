/**
 * @roombook/ical — iCalendar read/write for room calendars: expand a calendar object into its
 * occurrences, edit one occurrence precisely (decline / cancel), and build new bookings. Pure: no I/O.
 */
export { IcalError } from './errors.js';
export { objectUid, parseObject, type ParsedObject } from './parse.js';
export { expandObject, type ExpandedOccurrence, type ExpandOptions, type TruncatedExpansion } from './expand.js';
export { MAX_OCCURRENCES } from './series.js';
export { cancelOccurrence, declineOccurrence, excludeOccurrence, type CancelOptions, type DeclineOptions, type ExcludeOptions } from './edit.js';
export { MAX_SERIES_OCCURRENCES, parseBookingRrule, seriesOccurrences, type BookingRrule } from './recurring-booking.js';
export { PRIORITY_PROPERTY, buildEvent, type BuildEventInput } from './build-event.js';
