import { DelayedError } from 'bullmq';

import { currentJobScope } from '@roombook/queue';

/**
 * At most `limit` attempts to one webhook at a time in this process. Without it, a receiver that
 * is down (every attempt waits out WEBHOOK_TIMEOUT_MS) takes every delivery slot, and every other
 * user's webhooks wait behind it. A job over the limit is parked like a job whose calendar is
 * busy: moved to the delayed set (not counted as an attempt) with a backoff that grows while it
 * keeps finding the webhook busy, so its slot serves other webhooks meanwhile.
 */
export function createInFlightLimit(limit: number, options: { busyDelayMs?: number; maxBusyDelayMs?: number } = {}) {
  const busyDelayMs = options.busyDelayMs ?? 250;
  const maxBusyDelayMs = options.maxBusyDelayMs ?? 5_000;
  const inFlight = new Map<number, number>();

  return {
    async run<T>(webhookId: number, work: () => Promise<T>): Promise<T> {
      const scope = currentJobScope();
      if ((inFlight.get(webhookId) ?? 0) >= limit && scope?.token !== undefined) {
        const { job, token } = scope;
        const waits = Math.max(0, job.attemptsStarted - job.attemptsMade - 1);
        const base = Math.min(busyDelayMs * 2 ** Math.min(waits, 10), maxBusyDelayMs);
        const delay = Math.round(base / 2 + Math.random() * (base / 2));
        await job.moveToDelayed(Date.now() + delay, token);
        throw new DelayedError(`webhook ${webhookId} has ${limit} deliveries in flight; job parked for ${delay} ms`);
      }
      inFlight.set(webhookId, (inFlight.get(webhookId) ?? 0) + 1);
      try {
        return await work();
      } finally {
        const left = (inFlight.get(webhookId) ?? 1) - 1;
        if (left === 0) inFlight.delete(webhookId);
        else inFlight.set(webhookId, left);
      }
    },
    /** Attempts running now per webhook (for tests). */
    inFlight: (webhookId: number) => inFlight.get(webhookId) ?? 0,
  };
}

export type InFlightLimit = ReturnType<typeof createInFlightLimit>;
