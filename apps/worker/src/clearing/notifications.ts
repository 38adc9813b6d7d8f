import { PriorityMatcher, type ClearingPlan, type Occurrence } from '@roombook/booking';
import { MailJob, type NotifyPayload } from '@roombook/queue';
import type { Queue } from 'bullmq';

import { decisionKey, type Outcomes } from './report.js';

const EMAIL = /^[^\s@]+@[^\s@]+$/;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Queues one mail per losing occurrence whose change was applied and whose organizer has an
 * address (design §5 step 6). Cancelled leftovers get none: their organizer cancelled them.
 * Job ids derive from the clear job, so a retried clear never mails twice.
 */
export async function queueNotifications(input: {
  plan: ClearingPlan;
  outcomes: Outcomes;
  priorityTokens: string[];
  calendarId: number;
  clearJobId: string;
  mailQueue: Queue;
}): Promise<number> {
  const priority = new PriorityMatcher(input.priorityTokens);
  const jobs: { name: string; data: NotifyPayload; opts: { jobId: string } }[] = [];
  for (const loser of input.plan.losers) {
    const o = loser.occurrence;
    const to = o.organizer;
    if (!to || !EMAIL.test(to)) continue;
    if (input.outcomes.get(decisionKey('loser', o))?.status !== 'applied') continue;
    const data: NotifyPayload = {
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
    jobs.push({ name: MailJob.notify, data, opts: { jobId: `${input.clearJobId}-mail-${jobs.length + 1}` } });
  }
  if (jobs.length > 0) await input.mailQueue.addBulk(jobs);
  return jobs.length;
}
