import { auditedWrite, type CalDavClient, type ReadObject } from '@roombook/caldav';
import { expandObject, excludeOccurrence } from '@roombook/ical';
import { DeleteEventPayload, JobErrorCode, parsePayload, type DeleteEventResult } from '@roombook/queue';
import type { Job } from 'bullmq';

import { reconcilePending } from '../reconcile-pending.js';
import type { WorkerContext } from '../context.js';
import { JobFailure } from '../job-failure.js';
import { jobEntries } from '../job-entries.js';

/**
 * Deletes the object holding this UID, whatever its file name, as an audited write: its text goes
 * to the audit log as `pending` first; the DELETE carries If-Match, so a version changed since we
 * read it is never removed unseen (412 -> the job retries and re-reads). When the answer is lost
 * (timeout, reset, 5xx) the entry stays pending and the retry reconciles it before anything else:
 * a DELETE that did go through is then reported as done, not as "not found".
 */
export async function deleteEvent(job: Job, ctx: WorkerContext): Promise<DeleteEventResult> {
  const payload = parsePayload(DeleteEventPayload, job.data);
  const { calendar, client } = await ctx.openCalendar(payload.calendarId);
  const result = await ctx.withCalendarLock(payload.calendarId, async (): Promise<DeleteEventResult> => {
    // A clear's pending entries may carry mails; they go out if those writes turn out applied.
    const mailQueue = calendar.mailEnabled && ctx.mailEnabled ? ctx.mailQueue : null;
    await reconcilePending({ calendarId: payload.calendarId, client, audit: ctx.audit, mailQueue });
    const found = await client.findByUid(payload.uid);
    if (!found) {
      // An earlier attempt may have deleted it and died before reporting: that is success.
      const done = await ctx.audit.findByJob(jobEntries(job, payload.calendarId), payload.uid, 'deleted');
      if (done) return { id: payload.uid, href: done.href, deleted: true, auditId: done.id };
      throw new JobFailure(JobErrorCode.notFound, `event "${payload.uid}" not found in the calendar`, true);
    }
    // Without an ETag from the query, re-read: the ETag then belongs to exactly the text recorded.
    const object = found.etag ? found : await client.fetchObject(found.href);
    if (!object) throw new JobFailure(JobErrorCode.conflict, `event "${payload.uid}" changed while it was being read`, false);
    if (!object.etag) throw new JobFailure(JobErrorCode.caldavRejected, 'the server gives no ETag, refusing an unconditional delete', true);
    if (payload.occurrence !== undefined) {
      const read = { href: object.href, etag: object.etag, data: object.data };
      return excludeOne(job, ctx, client, calendar.timeZone, payload, read);
    }
    const trail = ctx.audit.trail({
      calendarId: payload.calendarId,
      jobId: String(job.id),
      userId: payload.userId,
      uid: payload.uid,
      recurrenceId: null,
      action: 'deleted',
    });
    const { auditId } = await auditedWrite(client, trail, { kind: 'delete', object: { href: object.href, etag: object.etag, data: object.data } });
    await job.updateProgress(100);
    return { id: payload.uid, href: object.href, deleted: true, auditId };
  });
  ctx.mirror.written(calendar);
  return result;
}

/**
 * Cancels one occurrence of a series (issue 11): an EXDATE on the master (any override of it
 * goes), written as an audited update with If-Match, so the series' previous text can be restored.
 * The occurrence is named by its start — its current one, or its original start (RECURRENCE-ID)
 * when it was moved. A retry that finds it already excluded reports its own earlier write.
 */
async function excludeOne(job: Job, ctx: WorkerContext, client: CalDavClient, timeZone: string, payload: DeleteEventPayload, object: ReadObject): Promise<DeleteEventResult> {
  const at = Date.parse(payload.occurrence!);
  const window = { from: new Date(at - 40 * 86_400_000), to: new Date(at + 40 * 86_400_000) };
  const occurrences = expandObject(object.data, { ...window, defaultTimeZone: timeZone, roomAddresses: [] });
  const target =
    occurrences.find((o) => o.recurrenceId !== null && o.start.getTime() === at) ??
    occurrences.find((o) => o.recurrenceId !== null && Date.parse(o.recurrenceId) === at);
  if (!target || target.recurrenceId === null) {
    const done = await ctx.audit.findByJob(jobEntries(job, payload.calendarId), payload.uid, 'occurrence-cancelled');
    if (done) return { id: payload.uid, href: done.href, deleted: true, auditId: done.id, excluded_occurrence: done.recurrenceId ?? payload.occurrence! };
    const why = occurrences.length === 0 && !object.data.match(/^(RRULE|RDATE)[:;]/m) ? 'is not a recurring series' : `has no occurrence starting ${payload.occurrence}`;
    throw new JobFailure(JobErrorCode.notFound, `event "${payload.uid}" ${why}`, true);
  }
  const text = excludeOccurrence(object.data, { recurrenceId: target.recurrenceId, now: new Date(), defaultTimeZone: timeZone });
  const trail = ctx.audit.trail({
    calendarId: payload.calendarId,
    jobId: String(job.id),
    userId: payload.userId,
    uid: payload.uid,
    recurrenceId: target.recurrenceId,
    action: 'occurrence-cancelled',
  });
  const { auditId } = await auditedWrite(client, trail, { kind: 'update', object, text });
  await job.updateProgress(100);
  return { id: payload.uid, href: object.href, deleted: true, auditId, excluded_occurrence: target.recurrenceId };
}
