export * from './names.js';
export * from './jobs/create-event.js';
export * from './jobs/delete-event.js';
export * from './jobs/clear-calendar.js';
export * from './jobs/notify.js';
export * from './jobs/refresh-calendar.js';
export * from './jobs/deliver-webhook.js';
export * from './webhook-events.js';
export { completedJobRetentionSeconds, defaultJobOptions } from './job-options.js';
export { createProducerConnection, createWorkerConnection } from './connections.js';
export { InvalidPayloadError, parsePayload } from './validate.js';
export { JobErrorCode, formatJobError, parseJobError } from './job-errors.js';
export { emptyReport, mergeReports } from './clear-report.js';
export {
  clearReportTtlSeconds,
  clearSummaryOf,
  createClearReportStore,
  isExpiredClearReport,
  isStoredClearResult,
  listLengths,
  resolveClearResult,
  resolveJobResult,
  summarizeReport,
  type ClearCounts,
  type ClearReportStore,
  type ClearSummary,
  type ExpiredClearReport,
  type StoredClearResult,
} from './clear-result.js';
export { workerMetricsKeys } from './metrics-keys.js';
export { accessChangesChannel } from './access-changes.js';
export {
  CalendarBusyError,
  LeaseLostError,
  UnfencedWriteError,
  createCalendarLock,
  fence,
  fenceAhead,
  type CalendarLock,
  type CalendarLockOptions,
} from './calendar-lock.js';
export { currentJobScope, runInJobScope, type JobScope } from './job-scope.js';
export { leaseMsFor } from './lease.js';
