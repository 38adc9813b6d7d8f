import { RefreshCalendarPayload, parsePayload, type RefreshCalendarResult } from '@roombook/queue';
import type { Job } from 'bullmq';

import type { WorkerContext } from '../context.js';
import { refreshStore } from '../store/refresh.js';

/** Refreshes of one job in a row when writes keep arriving while it runs; the next one catches the rest. */
const MAX_ROUNDS = 3;

/**
 * Queue `mirror`, job `refresh-calendar` (issue 12): brings one calendar's store up to date. Runs
 * under the calendar's store lock, not its write lock: a refresh only reads the server, so bookings
 * and deletes go on meanwhile, but two refreshes of one calendar must not interleave (see
 * refreshStore). A write of ours marks the calendar dirty before it queues this job; a refresh that
 * was already past its reads when that happened sees the mark move and goes again, so no write is
 * missed although such jobs are deduplicated.
 */
export async function refreshCalendar(job: Job, ctx: WorkerContext): Promise<RefreshCalendarResult> {
  const payload = parsePayload(RefreshCalendarPayload, job.data);
  const { calendar, client } = await ctx.openCalendar(payload.calendarId);
  return ctx.withStoreLock(calendar.id, async () => {
    let result: RefreshCalendarResult;
    let round = 0;
    let mark: string | null;
    do {
      mark = await ctx.mirror.dirtyMark(calendar.id);
      const { expanded: _expanded, window: _window, ...outcome } = await refreshStore({ calendar, client, store: ctx.store, now: new Date() });
      result = outcome;
    } while (++round < MAX_ROUNDS && (await ctx.mirror.dirtyMark(calendar.id)) !== mark);
    return result;
  });
}
