import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';

import { toJobError } from '../job-failure.js';
import type { PreparedAudience, WebhookEmitter } from './events.js';

/** How far into a job its webhook audience is looked up (see withWebhookEvents). */
const AUDIENCE_LOOKUP_AFTER_MS = 5;

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
    const running = handle(job);
    // Looked up a few ms into the job, once its own first queries (the lock, the calendar row, a
    // booking's owner row, which its PUT waits for) are answered: sent beside them, it was a third
    // PostgreSQL backend woken at once and delayed them by ~0.3 ms (issue 9; worker timestamps). It
    // still overlaps the job's CalDAV request. A job done sooner looks its audience up at the end.
    let audience: PreparedAudience | undefined;
    const lookup = setTimeout(() => (audience = emitter.prepare(job)), AUDIENCE_LOOKUP_AFTER_MS);
    let result: T;
    try {
      // Settled: from here the audience is looked up by `failed`/`completed` if it was not yet.
      result = await running.finally(() => clearTimeout(lookup));
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
