import { runInJobScope } from '@roombook/queue';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';

import { toJobError } from './job-failure.js';
import type { JobOutcome, WorkerMetrics } from './metrics.js';

/**
 * Turns a handler into a BullMQ processor: runs it in its job's scope (so the calendar lock can
 * park the job), classifies what it throws (job-failure.ts), and counts each attempt's outcome
 * and duration. A DelayedError (job parked while its calendar is busy) passes through untouched:
 * BullMQ recognises it by name and must not see it as a failure.
 */
export function instrumentedProcessor<T>(
  queue: string,
  metrics: WorkerMetrics,
  handle: (job: Job) => Promise<T>,
  /** Gets the original error of every failed attempt: job results carry only a short sentence. */
  logFailure?: (job: Job, error: unknown) => void,
) {
  return async (job: Job, token?: string): Promise<T> => {
    const started = performance.now();
    const done = (outcome: JobOutcome) => metrics.job(queue, job.name, outcome, (performance.now() - started) / 1000);
    try {
      const result = await runInJobScope(job, token, () => handle(job));
      done('completed');
      return result;
    } catch (error) {
      if (error instanceof DelayedError) {
        done('waiting_for_lock');
        throw error;
      }
      logFailure?.(job, error);
      const classified = toJobError(error);
      const attempts = job.opts.attempts ?? 1;
      done(classified instanceof UnrecoverableError || job.attemptsMade + 1 >= attempts ? 'failed' : 'retrying');
      throw classified;
    }
  };
}
