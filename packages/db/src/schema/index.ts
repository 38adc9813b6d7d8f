export * from './users.js';
export * from './calendars.js';
export * from './priority-tokens.js';
export * from './audit-log.js';
export * from './calendar-store.js';
export * from './webhooks.js';
