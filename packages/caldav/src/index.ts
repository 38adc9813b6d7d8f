/**
 * @roombook/caldav — I/O on CalDAV calendar collections through tsdav: fetch or list every event object, multiget,
 * find by UID, conditional create/update/delete, errors classified as refused, transient or
 * outcome-unknown, and the audited write (pending -> write -> applied) shared by worker and CLI.
 * No iCalendar logic lives here (see @roombook/ical).
 */
export { createCalDavClient, type CalDavClient, type CalDavConnection } from './client.js';
export { CalDavError, changedNothing, isRefused, isRetryable, type CalDavErrorCode, type CalDavFailure } from './errors.js';
export {
  auditedWrite,
  reconcileWrite,
  sameContentLines,
  type AuditedChange,
  type AuditedWriteHooks,
  type AuditedWriteResult,
  type AuditTrail,
  type PendingEntry,
  type PendingWrite,
  type ReadObject,
  type ReconcileOutcome,
} from './audited-write.js';
export type { CalendarObject, ObjectVersion } from './objects.js';
export { fencedClient } from './fenced-client.js';
export type { CollectionState, SyncChanges } from './sync.js';
export { verifyCalendarCollection, type VerifyProblem, type VerifyResult, type VerifyTarget } from './verify.js';
export { isForbiddenAddress, normalizeAddress, refusedAddressOf } from './address-guard.js';
