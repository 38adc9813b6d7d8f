import { DeleteEventPayload, JobErrorCode, parsePayload, type DeleteEventResult } from '@roombook/queue';
import type { Job } from 'bullmq';

import type { WorkerContext } from '../context.js';
import { JobFailure } from '../job-failure.js';

/**
 * Deletes the object holding this UID, whatever its file name. Its text goes to the audit log
 * first; the DELETE carries If-Match, so a version changed since we read it is never removed
 * unseen (412 -> the job retries and re-reads).
 */
export async function deleteEvent(job: Job, ctx: WorkerContext): Promise<DeleteEventResult> {
  const payload = parsePayload(DeleteEventPayload, job.data);
  const { client } = await ctx.openCalendar(payload.calendarId);
  return ctx.withCalendarLock(payload.calendarId, async () => {
    const found = await client.findByUid(payload.uid);
    if (!found) {
      // An earlier attempt may have deleted it and died before reporting: that is success.
      const done = await ctx.audit.findByJob(String(job.id), payload.uid, 'deleted');
      if (done) return { id: payload.uid, href: done.href, deleted: true, auditId: done.id };
      throw new JobFailure(JobErrorCode.notFound, `event "${payload.uid}" not found in the calendar`, true);
    }
    const object = found.etag ? found : ((await client.fetchObject(found.href)) ?? found);
    if (!object.etag) throw new JobFailure(JobErrorCode.caldavRejected, 'the server gives no ETag, refusing an unconditional delete', true);
    const entry = await ctx.audit.record({
      userId: payload.userId,
      jobId: String(job.id),
      calendarId: payload.calendarId,
      uid: payload.uid,
      recurrenceId: null,
      action: 'deleted',
      href: object.href,
      previousIcal: object.data,
    });
    try {
      await client.deleteObject({ href: object.href, etag: object.etag });
    } catch (error) {
      await ctx.audit.discard(entry.id);
      throw error;
    }
    await job.updateProgress(100);
    return { id: payload.uid, href: object.href, deleted: true, auditId: entry.id };
  });
}
