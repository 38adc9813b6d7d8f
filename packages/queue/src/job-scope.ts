import { AsyncLocalStorage } from 'node:async_hooks';

import type { Job } from 'bullmq';

/** The BullMQ job a piece of code runs for, and the lock token its worker holds on it. */
export interface JobScope {
  job: Job;
  /** The worker's lock token on the job; `moveToDelayed` needs it. Absent in tests that call handlers directly. */
  token: string | undefined;
}

const scope = new AsyncLocalStorage<JobScope>();

/**
 * Runs a processor inside its job's scope, so code deep in a handler (the calendar lock) can park
 * the job without every handler passing job and token down by hand.
 */
export function runInJobScope<T>(job: Job, token: string | undefined, work: () => Promise<T>): Promise<T> {
  return scope.run({ job, token }, work);
}

export function currentJobScope(): JobScope | undefined {
  return scope.getStore();
}
