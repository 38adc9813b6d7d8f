import type { JobsOptions } from 'bullmq';

/** How long completed jobs (and a clear's stored report, see clear-result.ts) are kept, in seconds. */
export const completedJobRetentionSeconds = 24 * 3600;

/**
 * Transient CalDAV failures retry with exponential backoff (2 s, 4 s, 8 s, …); permanent ones
 * throw UnrecoverableError in the worker and stop at once. Finished jobs are kept a day so
 * clients can poll their result.
 */
export const defaultJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: completedJobRetentionSeconds, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};
