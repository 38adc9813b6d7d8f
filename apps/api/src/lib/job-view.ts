import { parseJobError, resolveJobResult } from '@roombook/queue';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';

import type { JobView } from '../schemas/jobs.js';

export function jobUrl(id: string): string {
  return `/api/jobs/${encodeURIComponent(id)}`;
}

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);

/**
 * A job as clients see it: state, result or error, timestamps; never the raw payload. A clear's
 * result is its full report, read from where the worker stored it (`redis`, see
 * @roombook/queue's clear-result.ts), not the summary BullMQ keeps.
 */
export async function toJobView(read: Job, redis: Redis, reload?: () => Promise<Job | undefined>): Promise<JobView> {
  const state = await read.getState();
  // The job's fields were read before its state: when it finished in between, read them again, or
  // the view says "completed" with no result and no attempts.
  const finished = state === 'completed' || state === 'failed';
  const job = finished && !read.finishedOn && reload ? ((await reload()) ?? read) : read;
  const failed = state === 'failed';
  const error = failed ? parseJobError(job.failedReason) : null;
  return {
    id: job.id!,
    type: job.name,
    state: state === 'prioritized' || state === 'waiting-children' ? 'waiting' : state,
    url: jobUrl(job.id!),
    progress: (job.progress as JobView['progress']) ?? 0,
    result: (await resolveJobResult(redis, job.name, job.returnvalue)) ?? null,
    error: error ? { code: error.code, message: error.message } : null,
    attempts: job.attemptsMade,
    created_at: iso(job.timestamp)!,
    processed_at: iso(job.processedOn),
    finished_at: iso(job.finishedOn),
  };
}
