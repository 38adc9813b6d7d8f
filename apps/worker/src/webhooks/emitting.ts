import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';

import { toJobError } from '../job-failure.js';
import type { WebhookEmitter } from './events.js';

/**
 * Wraps the calendar queue's handler so each job's outcome becomes webhook events: on completion,
 * and on its final failure (a permanent one, or the last attempt). Events are only queued here;
 * a failure to queue them is logged and never fails or slows the booking itself, which already
 * happened on the server.
 */
export function withWebhookEvents<T>(emitter: WebhookEmitter, log: Logger, handle: (job: Job) => Promise<T>) {
  const safely = (job: Job, work: Promise<void>) =>
    work.catch((error: unknown) => log.warn({ jobId: job.id, job: job.name, err: error }, 'could not queue webhook events'));
  return async (job: Job): Promise<T> => {
    // The job starts first, so its own first queries (a booking's owner row, which its PUT waits
    // for) go out ahead of this lookup; the lookup, used at the end, still overlaps the job.
    const running = handle(job);
    const audience = emitter.prepare(job);
    let result: T;
    try {
      result = await running;
    } catch (error) {
      // A job parked while its calendar is busy has not failed.
      if (!(error instanceof DelayedError)) {
        const classified = toJobError(error);
        const final = classified instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        if (final) await safely(job, emitter.failed(job, classified.message));
      }
      throw error;
    }
    await safely(job, emitter.completed(job, result, audience));
    return result;
  };
}
