import { auditedWrite } from '@roombook/caldav';
import { DeleteEventPayload, JobErrorCode, parsePayload, type DeleteEventResult } from '@roombook/queue';
import type { Job } from 'bullmq';

import { reconcilePending } from '../reconcile-pending.js';
import type { WorkerContext } from '../context.js';
import { JobFailure } from '../job-failure.js';

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
  return ctx.withCalendarLock(payload.calendarId, async () => {
    // A clear's pending entries may carry mails; they go out if those writes turn out applied.
    const mailQueue = calendar.mailEnabled && ctx.mailEnabled ? ctx.mailQueue : null;
    await reconcilePending({ calendarId: payload.calendarId, client, audit: ctx.audit, mailQueue });
    const found = await client.findByUid(payload.uid);
    if (!found) {
      // An earlier attempt may have deleted it and died before reporting: that is success.
      const done = await ctx.audit.findByJob(String(job.id), payload.uid, 'deleted');
      if (done) return { id: payload.uid, href: done.href, deleted: true, auditId: done.id };
      throw new JobFailure(JobErrorCode.notFound, `event "${payload.uid}" not found in the calendar`, true);
    }
    // Without an ETag from the query, re-read: the ETag then belongs to exactly the text recorded.
    const object = found.etag ? found : await client.fetchObject(found.href);
    if (!object) throw new JobFailure(JobErrorCode.conflict, `event "${payload.uid}" changed while it was being read`, false);
    if (!object.etag) throw new JobFailure(JobErrorCode.caldavRejected, 'the server gives no ETag, refusing an unconditional delete', true);
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
}
