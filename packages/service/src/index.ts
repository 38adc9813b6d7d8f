/**
 * @roombook/service — administrative operations (calendars, users) with their rules, written once
 * for every front end: the `roombook` CLI today, an admin HTTP API later (design §9). Front ends
 * parse input and word the answers; the decisions (what may be deleted, what is verified) are here.
 */
export { calendarService, type CalendarService, type ServiceDeps } from './calendars.js';
export { userService, type UserService } from './users.js';
export { HasDependentsError, ServiceError, VerificationError } from './errors.js';
export { PolicyError, checkPolicy } from './booking-policy.js';
