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
      try {
        await redis.multi().incr(key(calendarId)).expire(key(calendarId), MARK_TTL_SECONDS).exec();
        const data: RefreshCalendarPayload = { calendarId, reason: 'write' };
        await queue.add(MirrorJob.refresh, data, { deduplication: { id: `mirror-write-${calendarId}` } });
      } catch {
        // The booking stands; the store catches up within MIRROR_REFRESH_SECONDS.
      }
    },
  };
}

export type MirrorSignals = ReturnType<typeof createMirrorSignals>;
