import { MirrorJob, type RefreshCalendarPayload } from '@roombook/queue';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** How long a calendar's dirty mark lives after its last write: far beyond any refresh. */
const MARK_TTL_SECONDS = 3600;

/**
 * How our own writes reach the store (issue 12): each write bumps the calendar's dirty mark and
 * queues one refresh, deduplicated while one is waiting, so a burst of bookings costs one refresh.
 */
export function createMirrorSignals(redis: Redis, prefix: string, queue: Queue) {
  const key = (calendarId: number) => `${prefix}:mirror:dirty:${calendarId}`;
  return {
    dirtyMark: (calendarId: number): Promise<string | null> => redis.get(key(calendarId)),
    /** After a write of ours to the calendar. Never throws: the scheduled refresh catches up anyway. */
    async written(calendarId: number): Promise<void> {
      const data: RefreshCalendarPayload = { calendarId, reason: 'write' };
      // Sent back to back, awaited together: one round trip on a booking's path instead of two
      // (issue 9). The order still holds: `queue` shares this connection (worker.ts), the mark's
      // MULTI is written synchronously here and the add only after BullMQ's own awaits, and Redis
      // runs one connection's commands in order, so the mark moves before the refresh is queued.
      const marked = redis.multi().incr(key(calendarId)).expire(key(calendarId), MARK_TTL_SECONDS).exec();
      const queued = queue.add(MirrorJob.refresh, data, { deduplication: { id: `mirror-write-${calendarId}` } });
      // The booking stands either way; the store catches up within MIRROR_REFRESH_SECONDS.
      await Promise.allSettled([marked, queued]);
    },
  };
}

export type MirrorSignals = ReturnType<typeof createMirrorSignals>;
