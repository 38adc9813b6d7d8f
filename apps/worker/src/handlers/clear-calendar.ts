import { planClearing } from '@roombook/booking';
import type { CalendarObject } from '@roombook/caldav';
import { ClearCalendarPayload, parsePayload, type ClearReport } from '@roombook/queue';
import type { Job } from 'bullmq';

import { applyPlan } from '../clearing/apply.js';
import { queueNotifications } from '../clearing/notifications.js';
import { expandCalendar, expandOne, type ExpandSettings } from '../clearing/occurrences.js';
import { buildReport, type Outcomes } from '../clearing/report.js';
import { clearingWindow, localIso } from '../clearing/window.js';
import type { WorkerContext } from '../context.js';

/**
 * Clears one room calendar (design §5): fetch the window with one REPORT, expand, plan, and —
 * unless in test mode — apply and queue mails. Holds the calendar's lock throughout, so no
 * create or delete on this calendar interleaves with it.
 */
export async function clearCalendar(job: Job, ctx: WorkerContext): Promise<ClearReport> {
  const payload = parsePayload(ClearCalendarPayload, job.data);
  const { calendar, client } = await ctx.openCalendar(payload.calendarId);
  const now = new Date();
  const window = clearingWindow(now, calendar.timeZone, calendar.horizonDays);
  const settings: ExpandSettings = {
    from: window.from,
    to: window.to,
    timeZone: calendar.timeZone,
    roomAddresses: calendar.roomEmail ? [calendar.roomEmail] : [],
    isPriorityMarkValid: ctx.priorityMarker.verify,
  };

  return ctx.withCalendarLock(calendar.id, async () => {
    await job.updateProgress({ phase: 'fetching', objects_fetched: 0, decisions_total: 0, decisions_applied: 0 });
    const fetched = await client.fetchObjects({ start: window.from, end: window.to });
    const objects = new Map<string, CalendarObject>(fetched.map((o) => [o.href, o]));
    const { occurrences, unreadable } = expandCalendar(fetched, settings);
    const priorityTokens = await ctx.priorityTokens.activeFor(calendar.id);
    const plan = planClearing({ occurrences, priorityTokens, now, timeZone: calendar.timeZone });
    const total = plan.deletedCancelled.length + plan.losers.length;
    await job.updateProgress({ phase: payload.test ? 'done' : 'applying', objects_fetched: fetched.length, occurrences: occurrences.length, decisions_total: total, decisions_applied: 0 });

    let outcomes: Outcomes = new Map();
    if (!payload.test) {
      outcomes = await applyPlan({
        plan,
        objects,
        occurrences,
        priorityTokens,
        now,
        client,
        audit: ctx.audit,
        record: { calendarId: calendar.id, jobId: String(job.id), userId: payload.userId },
        timeZone: calendar.timeZone,
        roomAddress: calendar.roomEmail,
        expand: (object) => expandOne(object, settings),
        onApplied: (done, objectsTotal) =>
          job.updateProgress({ phase: 'applying', objects_fetched: fetched.length, occurrences: occurrences.length, decisions_total: total, decisions_applied: done, objects_to_change: objectsTotal }),
      });
    }

    const report = buildReport(plan, { calendar: calendar.slug, timeZone: calendar.timeZone, testMode: payload.test, outcomes });
    report.unreadable_objects = unreadable.map((u) => ({ calendar: calendar.slug, ...u }));
    report.windows = [{ calendar: calendar.slug, from: localIso(window.from, calendar.timeZone), to: localIso(window.to, calendar.timeZone) }];
    if (!payload.test && calendar.mailEnabled && ctx.mailEnabled) {
      report.mails_queued = await queueNotifications({
        plan,
        outcomes,
        priorityTokens,
        calendarId: calendar.id,
        clearJobId: String(job.id),
        mailQueue: ctx.mailQueue,
      });
    }
    await job.updateProgress({ phase: 'done', objects_fetched: fetched.length, occurrences: occurrences.length, decisions_total: total, decisions_applied: total });
    return report;
  });
}
