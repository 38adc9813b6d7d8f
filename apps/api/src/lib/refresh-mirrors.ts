import { MirrorJob, type RefreshCalendarPayload } from '@roombook/queue';
import type { Job } from 'bullmq';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** How long `fresh=true` waits for the refreshes (issue 12). */
export const FRESH_WAIT_MS = 10_000;

/** What became of one calendar's requested refresh, as the answer reports it. */
export type RefreshOutcome = 'done' | 'failed' | 'pending' | 'unavailable';

/**
 * Job options of a requested refresh. One attempt: the schedule refreshes again soon anyway, and
 * a retry's backoff would only keep a waiting client until its deadline. Deduplicated per
 * calendar while one is queued or running, so a burst of `fresh=true` from many kiosks costs the
 * room's server one refresh, and every request waits for that same job.
 */
const requestOptions = (calendarId: number) => ({
  deduplication: { id: `request-refresh:${calendarId}` },
  attempts: 1,
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 24 * 3600, count: 1000 },
});

/**
 * `fresh=true`: queues a `refresh-calendar` job (reason `request`) per calendar and waits until
 * they finish or FRESH_WAIT_MS pass, holding one of the key's `Prefer: wait` slots (without a
 * free slot it does not wait: the refreshes go on in the background). Never throws for Redis
 * trouble: the caller answers from what the mirror holds, saying so per calendar.
 */
export async function refreshMirrors(app: FastifyInstance, request: FastifyRequest, calendarIds: readonly number[]): Promise<Map<number, RefreshOutcome>> {
  const outcomes = new Map<number, RefreshOutcome>(calendarIds.map((id) => [id, 'unavailable']));
  if (calendarIds.length === 0) return outcomes;
  const deadline = Date.now() + FRESH_WAIT_MS;
  let jobs: Job[];
  try {
    app.queues.assertAvailable();
    // Listening before the jobs exist, so no completion can slip between add and wait.
    const events = app.queues.mirrorEvents();
    await Promise.race([events.waitUntilReady(), new Promise((_, reject) => setTimeout(() => reject(new Error('queue events not ready')), 2000).unref())]);
    jobs = await Promise.all(
      calendarIds.map((calendarId) => {
        const payload: RefreshCalendarPayload = { calendarId, reason: 'request' };
        return app.queues.mirror.add(MirrorJob.refresh, payload, requestOptions(calendarId));
      }),
    );
  } catch (error) {
    request.log.warn({ err: error }, 'fresh=true: could not queue the refreshes; answering from the mirror as it is');
    return outcomes;
  }
  for (const id of calendarIds) outcomes.set(id, 'pending');
  const release = await app.acquireWaitSlot(request);
  if (!release) return outcomes;
  try {
    await Promise.all(
      jobs.map(async (job, i) => {
        try {
          await job.waitUntilFinished(app.queues.mirrorEvents(), Math.max(1, deadline - Date.now()));
          outcomes.set(calendarIds[i]!, 'done');
        } catch {
          // failed, or not done in time: its state says which
          const state = await app.queues.mirror.getJobState(job.id!).catch(() => 'unknown');
          outcomes.set(calendarIds[i]!, state === 'completed' ? 'done' : state === 'failed' ? 'failed' : 'pending');
        }
      }),
    );
  } finally {
    await release();
  }
  return outcomes;
}
