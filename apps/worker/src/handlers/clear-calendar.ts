import { localIso } from '@roombook/booking';
import { planClearing } from '@roombook/booking';
import type { CalendarObject } from '@roombook/caldav';
import { ClearCalendarPayload, JobErrorCode, parsePayload, type ClearReport } from '@roombook/queue';
import type { Job } from 'bullmq';

import { reconcilePending } from '../reconcile-pending.js';
import { applyPlan } from '../clearing/apply.js';
import { JobFailure } from '../job-failure.js';
import { jobEntries } from '../job-entries.js';
import { expandOne, type ExpandSettings } from '../clearing/occurrences.js';
import { addEarlierWrites, buildReport, carryOver, dedupeChanges, stoppedReport, truncatedReport, type Outcomes } from '../clearing/report.js';
import type { ReportKey } from '../clearing/report-cache.js';
import { clearingWindow } from '../clearing/window.js';
import type { WorkerContext } from '../context.js';
import { refreshStore } from '../store/refresh.js';
import { storedCalendar } from '../store/stored-plan-input.js';

/**
 * Clears one room calendar (design §5): settle the audit entries an earlier attempt left pending,
 * refresh the calendar store (fetching and expanding only what changed), plan from its stored
 * occurrences, and — unless in test mode — apply, queueing each
 * loser's mail right after its write. Holds the calendar's lock throughout, so no create or
 * delete on this calendar interleaves with it. When writes failed for reasons that may pass (the
 * server down, a 5xx, a lost answer), the report so far goes into the job's progress and the job
 * fails to be retried; the retry reconciles and re-plans, so nothing is done twice.
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
    isPriorityMarkValid: (booking, mark) => ctx.priorityMarker.verify({ calendarId: calendar.id, ...booking }, mark),
  };

  const earlierAttempt = stoppedReport(job.progress);
  const mailQueue = !payload.test && calendar.mailEnabled && ctx.mailEnabled ? ctx.mailQueue : null;

  return ctx.withCalendarLock(calendar.id, async () => {
    await job.updateProgress({ phase: 'reconciling', objects_fetched: 0, decisions_total: 0, decisions_applied: 0 });
    const reconciled = await reconcilePending({ calendarId: calendar.id, client, audit: ctx.audit, mailQueue });
    await job.updateProgress({ phase: 'fetching', objects_fetched: 0, decisions_total: 0, decisions_applied: 0 });
    // The store is brought up to date (only changed objects are fetched and parsed), then the plan
    // is made from its stored expansions (issue 9). A clear that deletes lists the calendar every
    // time rather than trusting a sync answer (see RefreshInput.listEveryMs); a dry run changes
    // nothing and syncs.
    await ctx.withStoreLock(calendar.id, () => refreshStore({ calendar, client, store: ctx.store, now, ...(!payload.test && { listEveryMs: 0 }) }));
    const priorityTokens = await ctx.priorityTokens.activeFor(calendar.id);
    // A dry run of a calendar whose store and plan inputs did not change gives the same report (issue 9).
    const cacheKey: ReportKey | null =
      payload.test && !earlierAttempt
        ? { calendarId: calendar.id, store: await ctx.store.fingerprint(calendar.id), slug: calendar.slug, timeZone: calendar.timeZone, window, priorityTokens }
        : null;
    const cached = cacheKey && ctx.reportCache.get(cacheKey, now);
    if (cached) {
      await job.updateProgress({ phase: 'done', objects_fetched: cached.objects, occurrences: cached.occurrences, decisions_total: cached.decisions, decisions_applied: cached.decisions });
      return cached.report;
    }
    const stored = await storedCalendar(ctx.store, calendar.id, window, settings.isPriorityMarkValid);
    const { occurrences, unreadable, truncated } = stored;
    const objectCount = stored.objects;
    const plan = planClearing({ occurrences, priorityTokens, now, timeZone: calendar.timeZone });
    const total = plan.deletedCancelled.length + plan.losers.length;
    await job.updateProgress({ phase: payload.test ? 'done' : 'applying', objects_fetched: objectCount, occurrences: occurrences.length, decisions_total: total, decisions_applied: 0 });

    let outcomes: Outcomes = new Map();
    let reportPlan = plan;
    let mailsQueued = 0;
    let retryReason: string | null = null;
    if (!payload.test) {
      const applied = await applyPlan({
        plan,
        objects: new Map<string, CalendarObject>(),
        loadObject: async (href) => (await ctx.store.objects(calendar.id, [href]))[0],
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
          job.updateProgress({ phase: 'applying', objects_fetched: objectCount, occurrences: occurrences.length, decisions_total: total, decisions_applied: done, objects_to_change: objectsTotal }),
        mailQueue,
        ...(mailQueue && { mailAllowed: await ctx.mailRecipients() }),
      });
      ({ outcomes, retryReason } = applied);
      reportPlan = applied.plan;
      mailsQueued = applied.mailsQueued;
      if (applied.outcomes.size > 0) {
        // Our own writes reach the store through a refresh job of the mirror queue, as a booking's
        // do. Not inline: the store lock parks a job whose calendar is busy (moveToDelayed), and a
        // clear parked after its writes would run again and report them as an earlier attempt's.
        ctx.mirror.written(calendar);
      }
    }

    const report = buildReport(reportPlan, { calendar: calendar.slug, timeZone: calendar.timeZone, testMode: payload.test, outcomes });
    report.unreadable_objects = unreadable.map((u) => ({ calendar: calendar.slug, ...u }));
    report.truncated_series = truncatedReport(truncated, calendar.slug, calendar.timeZone);
    report.windows = [{ calendar: calendar.slug, from: localIso(window.from, calendar.timeZone), to: localIso(window.to, calendar.timeZone) }];
    const reconciledUids = new Set(reconciled.filter((r) => r.outcome.state === 'applied').map((r) => r.entry.uid));
    carryOver(report, earlierAttempt, reconciledUids);
    if (!payload.test) {
      // After a crash no stopped report is left; the audit log says what the dead attempt did.
      addEarlierWrites(report, await ctx.audit.byJob(jobEntries(job, calendar.id)), {
        calendar: calendar.slug,
        timeZone: calendar.timeZone,
        expand: (ics) => expandOne({ href: 'earlier', etag: null, data: ics }, settings),
      });
    }
    dedupeChanges(report);
    if (mailQueue) {
      const fromReconcile = reconciled.reduce((n, r) => n + (r.outcome.state === 'applied' ? ((r.entry.notifications ?? []) as unknown[]).length : 0), 0);
      report.mails_queued = mailsQueued + fromReconcile;
    }
    if (retryReason !== null) {
      // What was and was not done, for whoever looks at the failed attempt; the retry finishes it.
      await job.updateProgress({ phase: 'stopped', objects_fetched: objectCount, occurrences: occurrences.length, decisions_total: total, report });
      throw new JobFailure(JobErrorCode.caldavUnavailable, `clear of ${calendar.slug} incomplete, retrying: ${retryReason}`, false);
    }
    await job.updateProgress({ phase: 'done', objects_fetched: objectCount, occurrences: occurrences.length, decisions_total: total, decisions_applied: total });
    if (cacheKey) ctx.reportCache.set(cacheKey, now, occurrences, { report, objects: objectCount, occurrences: occurrences.length, decisions: total });
    return report;
  });
}
