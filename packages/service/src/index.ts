/**
 * @roombook/service — administrative operations with their rules, written once for every front
 * end: the `roombook` CLI and the admin HTTP API / console (design §9). Front ends parse input and
 * word the answers; the decisions (what may be deleted, what is verified) are here.
 */
export { calendarService, calendarView, mirrorStatus, type CalendarService, type CalendarView, type MirrorStatus, type ServiceDeps } from './calendars.js';
export { userService, type UserService } from './users.js';
export { tokenService, tokenHint, listedToken, type TokenService, type ListedToken } from './tokens.js';
export { templateService, type TemplateService, type TemplateText } from './templates.js';
export { auditService, type AuditService, type RestoreResult } from './audit.js';
export { clearService, type ClearService, type ClearQueue } from './clear.js';
export { CalendarBusyError, HasDependentsError, LockUnavailableError, RestoreRefusedError, ServiceError, TemplateInvalidError, VerificationError, WebhookTargetRefusedError } from './errors.js';
export {
  InvalidInputError,
  MAX_CLEAR_INTERVAL_S,
  MAX_HORIZON_DAYS,
  MIN_CLEAR_INTERVAL_S,
  SLUG_PATTERN,
  FEATURE_PATTERN,
  MAX_BOOKING_MINUTES,
  MAX_CAPACITY,
  MAX_DAYS_AHEAD,
  MAX_FEATURES,
  MAX_LOCATION_LENGTH,
  MAX_SERIES_CONFLICTS,
  checkCapacity,
  checkClearInterval,
  checkEmail,
  checkFeatures,
  checkLocation,
  parseFeatureList,
  checkHttpUrl,
  checkName,
  checkSlug,
  checkTimeZone,
} from './rules.js';
export { redisAccessChanges, type AccessChanges } from './access-changes.js';
export { PolicyError, checkPolicy } from './booking-policy.js';
export { DEFAULT_LOCK_WAIT_MS, withCalendarWriteLock, type CalendarLockDeps } from './write-lock.js';
export { webhookService, checkWebhookEvents, checkWebhookUrl, type WebhookService, type WebhookServiceDeps } from './webhooks.js';
export { refusedWebhookAddress, refusedWebhookTarget } from './webhook-address.js';
