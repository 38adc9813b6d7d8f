export * from './names.js';
export * from './jobs/create-event.js';
export * from './jobs/delete-event.js';
export * from './jobs/clear-calendar.js';
export * from './jobs/notify.js';
export { defaultJobOptions, mailJobOptions } from './job-options.js';
export { createProducerConnection, createWorkerConnection } from './connections.js';
export { InvalidPayloadError, parsePayload } from './validate.js';
export { JobErrorCode, formatJobError, parseJobError } from './job-errors.js';
