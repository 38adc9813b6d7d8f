import { localIso } from '@roombook/booking';
import { createHash } from 'node:crypto';

import type { CalendarsRepository, WebhooksRepository } from '@roombook/db';
import {
  CalendarJob,
  ClearCalendarPayload,
  CreateEventPayload,
  DeleteEventPayload,
  WebhookEventType,
  WebhookJob,
  listLengths,
  parseJobError,
  parsePayload,
  type ClearReport,
  type CreateEventResult,
  type DeleteEventResult,
  type DeliverWebhookPayload,
  type ReportItem,
  type WebhookEvent,
} from '@roombook/queue';
import type { Job, Queue } from 'bullmq';


/** The subscribers of a job's success event, looked up while the job runs (see {@link WebhookEmitter.prepare}). */
export interface PreparedAudience {
  type: WebhookEvent['type'];
  /** Undefined when the lookup failed: completed() then looks them up again. */
  hooks: Promise<{ id: number }[] | undefined>;
}

export interface WebhookEmitter {
  /**
   * Starts the subscriber lookup of a booking's success event (booking.created / booking.deleted)
   * when the job starts, so that the database round trip overlaps the job's own work instead of
   * following it (issue 9). A webhook subscribed while the job runs may miss that job's event, as
   * it may today when it is subscribed just after the lookup. Undefined for other jobs.
   */
  prepare(job: Job): PreparedAudience | undefined;
  /** A calendar job finished: booking.created / booking.deleted / clear.completed (+ booking.removed). */
  completed(job: Job, result: unknown, prepared?: PreparedAudience): Promise<void>;
  /** A calendar job failed for good: booking.failed for a create or delete. `reason` is its `[CODE] text`. */
  failed(job: Job, reason: string): Promise<void>;
}

type EventOf<T extends WebhookEvent['type']> = Extract<WebhookEvent, { type: T }>;

/**
 * The Standard Webhooks `webhook-id` of one event: derived from the job and what the event is
 * about, so a handler that runs again (a retry after a crash between the write and the job's
 * completion) produces the same id, and the deliver job's id (webhook + message) is a duplicate
 * BullMQ ignores instead of a second send.
 */
export function messageIdFor(jobId: string, type: string, subject = ''): string {
  return `msg_${createHash('sha256').update(`${jobId}\u0000${type}\u0000${subject}`).digest('base64url').slice(0, 27)}`;
}

/**
 * Turns finished calendar jobs into webhook events and queues one `deliver` job per subscribed
 * webhook. Nothing is sent here: a receiver that is slow or down never holds up a booking.
 * Who hears of what: booking.* and clear.completed go to the job's user (a clear nobody asked
 * for — schedule, after a booking — to every user granted the calendar); booking.removed goes to
 * the user who made the lost booking through the API, whoever ran the clear.
 */
export function createWebhookEmitter(deps: { webhooks: WebhooksRepository; calendars: CalendarsRepository; queue: Queue; now?: () => Date }): WebhookEmitter {
  const now = deps.now ?? (() => new Date());

  /**
   * Queues `type` for the users' subscribed webhooks. `build` makes the event's data, and runs
   * only when some webhook wants it: a job with no subscriber costs one indexed query.
   */
  async function emit<T extends WebhookEvent['type']>(
    type: T,
    userIds: readonly number[],
    messageId: string,
    build: () => Promise<EventOf<T>['data']>,
    prepared?: PreparedAudience,
  ): Promise<void> {
    const early = prepared?.type === type ? await prepared.hooks : undefined;
    const hooks = early ?? (await deps.webhooks.subscribed([...new Set(userIds)], type));
    if (hooks.length === 0) return;
    const data = await build();
    const timestamp = now().toISOString();
    await deps.queue.addBulk(
      hooks.map((hook) => ({
        name: WebhookJob.deliver,
        data: { webhookId: hook.id, messageId, type, timestamp, data } as DeliverWebhookPayload,
        opts: { jobId: `${hook.id}-${messageId}` },
      })),
    );
  }

  const jobRef = (job: Job) => ({ id: String(job.id), name: job.name });

  /** The event a successful create or delete emits, to its user; undefined for other jobs. */
  function successOf(job: Job): { type: WebhookEvent['type']; userId: number } | undefined {
    try {
      if (job.name === CalendarJob.createEvent) return { type: WebhookEventType.bookingCreated, userId: parsePayload(CreateEventPayload, job.data).userId };
      if (job.name === CalendarJob.deleteEvent) return { type: WebhookEventType.bookingDeleted, userId: parsePayload(DeleteEventPayload, job.data).userId };
    } catch {
      // An invalid payload fails the job itself, with its own message.
    }
    return undefined;
  }

  return {
    prepare(job) {
      const success = successOf(job);
      if (!success) return undefined;
      // A failed lookup is not an unhandled rejection here (the job may fail before completed()).
      const hooks = deps.webhooks.subscribed([success.userId], success.type).catch(() => undefined);
      return { type: success.type, hooks };
    },

    async completed(job, result, prepared) {
      const jobId = String(job.id);
      switch (job.name) {
        case CalendarJob.createEvent: {
          const payload = parsePayload(CreateEventPayload, job.data);
          const written = result as CreateEventResult;
          await emit(WebhookEventType.bookingCreated, [payload.userId], messageIdFor(jobId, WebhookEventType.bookingCreated), async () => {
            const calendar = await deps.calendars.requireById(payload.calendarId);
            const zone = calendar.timeZone;
            return {
              job: jobRef(job),
              calendar: calendar.slug,
              event: {
                id: payload.uid,
                name: payload.name,
                start: localIso(new Date(payload.start), zone),
                end: localIso(new Date(payload.end), zone),
                ...(payload.rrule !== undefined && { rrule: payload.rrule }),
                href: written.href,
              },
            };
          }, prepared);
          return;
        }
        case CalendarJob.deleteEvent: {
          const payload = parsePayload(DeleteEventPayload, job.data);
          const deleted = result as DeleteEventResult;
          await emit(WebhookEventType.bookingDeleted, [payload.userId], messageIdFor(jobId, WebhookEventType.bookingDeleted), async () => ({
            job: jobRef(job),
            calendar: (await deps.calendars.requireById(payload.calendarId)).slug,
            event: { id: payload.uid, ...(deleted.excluded_occurrence !== undefined && { occurrence: deleted.excluded_occurrence }) },
          }), prepared);
          return;
        }
        case CalendarJob.clearCalendar: {
          const payload = parsePayload(ClearCalendarPayload, job.data);
          const report = result as ClearReport;
          let slug: string | undefined;
          const calendarSlug = async () => (slug ??= (await deps.calendars.requireById(payload.calendarId)).slug);
          const askedBy = payload.userId !== null ? [payload.userId] : await deps.webhooks.usersOfCalendar(payload.calendarId);
          await emit(WebhookEventType.clearCompleted, askedBy, messageIdFor(jobId, WebhookEventType.clearCompleted), async () => ({
            job: jobRef(job),
            calendar: await calendarSlug(),
            test_mode: report.test_mode,
            trigger: payload.trigger,
            counts: { ...listLengths(report), mails_queued: report.mails_queued },
          }));
          if (report.test_mode) return;
          const lost = removedItems(report);
          if (lost.length === 0) return;
          const makers = await deps.webhooks.bookingMakers(payload.calendarId, [...new Set(lost.map((i) => i.event.uid))]);
          for (const item of lost) {
            const maker = makers.get(item.event.uid);
            if (maker === undefined) continue;
            const subject = `${item.event.uid}\u0000${item.recurrence_id ?? ''}`;
            await emit(WebhookEventType.bookingRemoved, [maker], messageIdFor(jobId, WebhookEventType.bookingRemoved, subject), async () => ({
              job: jobRef(job),
              calendar: await calendarSlug(),
              event: { id: item.event.uid, name: item.event.name, start: item.event.start, end: item.event.end, recurrence_id: item.recurrence_id },
              action: item.action,
              reason: item.reason,
              overlaps_with: item.overlaps_with && { name: item.overlaps_with.name, start: item.overlaps_with.start, end: item.overlaps_with.end },
            }));
          }
          return;
        }
      }
    },

    async failed(job, reason) {
      if (job.name !== CalendarJob.createEvent && job.name !== CalendarJob.deleteEvent) return;
      const create = job.name === CalendarJob.createEvent;
      const payload = create ? parsePayload(CreateEventPayload, job.data) : parsePayload(DeleteEventPayload, job.data);
      const { code, message } = parseJobError(reason);
      const created = create ? (payload as CreateEventPayload) : undefined;
      await emit(WebhookEventType.bookingFailed, [payload.userId], messageIdFor(String(job.id), WebhookEventType.bookingFailed), async () => {
        // The calendar may be gone (CALENDAR_GONE): the event then names it by id.
        const calendar = await deps.calendars.requireById(payload.calendarId).catch(() => undefined);
        const zone = calendar?.timeZone ?? 'UTC';
        return {
          job: jobRef(job),
          calendar: calendar?.slug ?? String(payload.calendarId),
          operation: create ? 'create' : 'delete',
          event: {
            id: payload.uid,
            ...(created && { name: created.name, start: localIso(new Date(created.start), zone), end: localIso(new Date(created.end), zone) }),
          },
          // The same problem type the API answers for this job (`Prefer: wait`, GET /api/jobs/{id}).
          problem: { code, type: `/problems/job-${code.toLowerCase().replaceAll('_', '-')}`, detail: message },
        };
      });
    },
  };
}

/** What a clear took from its owners: applied deletions, declines and cancellations. */
function removedItems(report: ClearReport): ReportItem[] {
  return [...report.deleted_cancelled_events, ...report.deleted_overlapping_events, ...report.cancelled_overlapping_recurring_events].filter(
    (item) => item.status === 'applied' && item.action !== 'ignored' && item.action !== 'none',
  );
}
