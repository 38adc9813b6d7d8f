import { reconcileWrite, type AuditTrail, type CalDavClient, type ReconcileOutcome } from '@roombook/caldav';
import type { AuditEntry, AuditLogRepository } from '@roombook/db';
import type { NotifyPayload } from '@roombook/queue';

import { queueMails, type MailQueue } from './clearing/notifications.js';

export interface Reconciled {
  entry: AuditEntry;
  outcome: ReconcileOutcome;
}

/**
 * Settles every pending audit entry of a calendar (writes whose answer an earlier attempt never
 * got: a timeout, a reset, a crash between write and bookkeeping) before a job plans anything new
 * on it. Runs under the calendar's lock, so no other writer's pending entry can be in flight. An
 * entry found applied gets its mails queued (idempotently: their job ids derive from the entry).
 * A transient failure while re-reading stops here and the job retries.
 */
export async function reconcilePending(input: {
  calendarId: number;
  client: CalDavClient;
  audit: AuditLogRepository;
  mailQueue: MailQueue | null;
}): Promise<Reconciled[]> {
  const trail: AuditTrail = {
    begin: () => Promise.reject(new Error('an existing audit entry is not begun again')),
    ...input.audit.settling(),
  };
  const done: Reconciled[] = [];
  for (const entry of await input.audit.pending(input.calendarId)) {
    const mails = (entry.notifications ?? []) as NotifyPayload[];
    const outcome = await reconcileOne(
      input.client,
      trail,
      { id: entry.id, href: entry.href, previousIcal: entry.previousIcal, etagBefore: entry.etagBefore, textAfter: entry.textAfter },
      {
        afterWrite: async (auditId) => {
          if (input.mailQueue && mails.length > 0) await queueMails(input.mailQueue, auditId, mails);
        },
      },
    );
    done.push({ entry, outcome });
  }
  return done;
}

/**
 * reconcileWrite, except that an entry whose object is not on the calendar's server any more (its
 * URL was changed since: the client refuses other origins) is marked failed rather than blocking
 * every later job on the calendar.
 */
async function reconcileOne(...args: Parameters<typeof reconcileWrite>): Promise<ReconcileOutcome> {
  try {
    return await reconcileWrite(...args);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    const [, trail, entry] = args;
    const reason = `cannot be checked: ${error.message}`;
    await trail.failed(entry.id, reason);
    return { state: 'failed', reason };
  }
}
