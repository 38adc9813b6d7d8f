import { RefreshCalendarPayload, parsePayload, type RefreshCalendarResult } from '@roombook/queue';
import type { Job } from 'bullmq';

import type { WorkerContext } from '../context.js';
import { refreshStore } from '../store/refresh.js';

/**
 * Queue `mirror`, job `refresh-calendar` (issue 12): brings one calendar's store up to date. Runs
 * under the calendar's store lock, not its write lock: a refresh only reads the server, so bookings
 * and deletes go on meanwhile, but two refreshes of one calendar must not interleave (see
 * refreshStore). A write of ours that lands while this runs is not lost: its refresh job follows
 * this one (see createMirrorSignals).
 */
export async function refreshCalendar(job: Job, ctx: WorkerContext): Promise<RefreshCalendarResult> {
  const payload = parsePayload(RefreshCalendarPayload, job.data);
  const { calendar, client } = await ctx.openCalendar(payload.calendarId);
  return ctx.withStoreLock(calendar.id, async () => {
    const { expanded: _expanded, window: _window, ...outcome } = await refreshStore({ calendar, client, store: ctx.store, now: new Date() });
    return outcome;
  });
}
