/**
 * @roombook/caldav — I/O on CalDAV calendar collections through tsdav: fetch objects in a time range,
 * find by UID, conditional create/update/delete, and errors classified as retryable or permanent.
 * No iCalendar logic lives here (see @roombook/ical).
 */
export { createCalDavClient, type CalDavClient, type CalDavConnection } from './client.js';
export { CalDavError, isRetryable, type CalDavErrorCode } from './errors.js';
export type { CalendarObject } from './objects.js';
export { verifyCalendarCollection, type VerifyProblem, type VerifyResult, type VerifyTarget } from './verify.js';
