import type { CalendarRow } from '@roombook/db';
import { MirrorJob, type RefreshCalendarPayload } from '@roombook/queue';
import type { Queue } from 'bullmq';

/**
 * How our own writes reach the store (issues 9, 12): each write queues a refresh of its calendar
 * `delayMs` later (MIRROR_WRITE_DELAY_MS), deduplicated per calendar, so a burst of bookings costs
 * one refresh after the burst instead of one beside each booking (where it loaded the worker and
 * the room's server while the next booking waited for them). Except on a `reject` room: its next
 * booking refreshes the store itself before its conflict check, so there the refresh runs at once,
 * as before, and that check finds the store current (one sync REPORT that lists no change) instead
 * of catching up with this write on its own way to the PUT (a multiget, the expansion and a store
 * write more; measured: letting the check catch up was slower than waiting for this refresh).
 *
 * Deduplication is BullMQ's simple mode (while the job exists, waiting or delayed, a write joins
 * it: the refresh has not read the server yet, so it sees the write) with `keepLastIfActive`: a
 * write that lands while the refresh runs — possibly past its reads — leaves a successor that
 * BullMQ queues, with the same delay, in the same script that finishes the running one, so no
 * write is missed and two refreshes of one calendar's writes never run at once. (This replaced a
 * dirty mark in Redis that the refresh compared before and after, which left a gap between its
 * last compare and the job's end.)
 */
export function createMirrorSignals(queue: Queue, delayMs: number) {
  return {
    /**
     * After a write of ours to the calendar. Queued on the next turn and not awaited: nothing about
     * the job depends on it, so its answer waits neither for the round trip nor for building
     * BullMQ's add (~0.3 ms of CPU that ran before the job's completion was sent, issue 9). Never
     * fails the job: the write stands either way and the store catches up within
     * MIRROR_REFRESH_SECONDS.
     */
    written(calendar: Pick<CalendarRow, 'id' | 'conflictPolicy'>): void {
      const data: RefreshCalendarPayload = { calendarId: calendar.id, reason: 'write' };
      const delay = calendar.conflictPolicy === 'reject' ? 0 : delayMs;
      setImmediate(() => {
        queue
          .add(MirrorJob.refresh, data, { delay, deduplication: { id: `mirror-write-${calendar.id}`, keepLastIfActive: true } })
          .catch(() => undefined);
      });
    },
  };
}

export type MirrorSignals = ReturnType<typeof createMirrorSignals>;
