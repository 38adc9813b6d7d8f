import { createHash } from 'node:crypto';

import { PriorityMatcher, type Loser, type Occurrence } from '@roombook/booking';
import { MailJob, type NotifyPayload } from '@roombook/queue';

const EMAIL = /^[^\s@]+@[^\s@]+$/;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The part of a BullMQ queue mails need (a Queue satisfies it). */
export interface MailQueue {
  addBulk(jobs: { name: string; data: NotifyPayload; opts: { jobId: string } }[]): Promise<unknown>;
}

/**
 * The mail to a losing occurrence's organizer (design §5 step 6), or null when there is no one to
 * tell (no organizer address). Cancelled leftovers never get here: their organizer cancelled them.
 */
export function notificationFor(loser: Loser, input: { calendarId: number; clearJobId: string; priorityTokens: string[] }): NotifyPayload | null {
  const o = loser.occurrence;
  const to = o.organizer;
  if (!to || !EMAIL.test(to)) return null;
  const priority = new PriorityMatcher(input.priorityTokens);
  return {
    calendarId: input.calendarId,
    clearJobId: input.clearJobId,
    to,
    event: {
      uid: o.uid,
      recurrence_id: o.recurrenceId,
      name: o.name,
      start: o.start.toISOString(),
      end: o.end.toISOString(),
      created: iso(o.created),
      organizer: to,
      is_deleted: loser.action === 'delete',
      is_cancelled: loser.action !== 'delete',
      is_recurring: o.isRecurring,
      is_priorized: loser.isPrioritized,
      is_deprioritized: loser.isDeprioritized,
    },
    overlap_events: loser.overlapsWith.map((w: Occurrence) => ({
      name: w.name,
      start: w.start.toISOString(),
      end: w.end.toISOString(),
      created: iso(w.created),
      organizer: w.organizer,
      is_priorized: priority.isPrioritized(w),
    })),
  };
}

/**
 * The mail's job id, derived from what it is about — the calendar, the occurrence (UID and
 * recurrence id) and the audit entry of the write that removed it — so a retried clear, or a
 * reconcile after a crash, queues the same job again and BullMQ keeps one. Hashed because UIDs
 * may hold any character and BullMQ ids may not contain ':'.
 */
export function mailJobId(mail: NotifyPayload, auditId: number): string {
  const about = JSON.stringify([mail.calendarId, mail.event.uid, mail.event.recurrence_id, auditId]);
  return `notify-${auditId}-${createHash('sha256').update(about).digest('hex').slice(0, 24)}`;
}

/** Queues the mails that follow one applied write (right after it, not after the whole clear). */
export async function queueMails(queue: MailQueue, auditId: number, mails: readonly NotifyPayload[]): Promise<number> {
  if (mails.length === 0) return 0;
  await queue.addBulk(mails.map((data) => ({ name: MailJob.notify, data, opts: { jobId: mailJobId(data, auditId) } })));
  return mails.length;
}
