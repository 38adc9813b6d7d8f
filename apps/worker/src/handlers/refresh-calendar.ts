import { RefreshCalendarPayload, parsePayload, type RefreshCalendarResult } from '@roombook/queue';
import type { Job } from 'bullmq';

import type { WorkerContext } from '../context.js';
import { refreshStore } from '../store/refresh.js';

/**
 * A scheduled refresh lists the whole calendar (every member and ETag) when its last listing is this
 * old, instead of trusting the server's sync answer (see RefreshInput.listEveryMs): the longest a
 * removal a server failed to report stays in availability answers. One PROPFIND of the calendar an
 * hour; the refreshes right after our own writes and those a user asked for stay one REPORT.
 */
export const STORE_LIST_EVERY_MS = 3_600_000;

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
    const { expanded: _expanded, window: _window, ...outcome } = await refreshStore({
      calendar,
      client,
      store: ctx.store,
      now: new Date(),
      ...(payload.reason === 'schedule' && { listEveryMs: STORE_LIST_EVERY_MS }),
    });
    return outcome;
  });
}
