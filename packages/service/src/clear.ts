import { CalendarJob, type ClearCalendarPayload } from '@roombook/queue';
import { createCalendarsRepository, type Database } from '@roombook/db';

/** The one queue call a clear needs; BullMQ's Queue satisfies it (the service does not own Redis). */
export interface ClearQueue {
  add(name: string, data: ClearCalendarPayload): Promise<{ id?: string | undefined }>;
}

/** "Clear now" for an administrator: one clear job for a calendar, live or a dry run. */
export function clearService(deps: { db: Database; queue: ClearQueue }) {
  return {
    /** Enqueues the clear and returns its job id; the worker does the rest (the API never talks CalDAV). */
    async clearNow(slug: string, options: { test: boolean }): Promise<{ jobId: string; calendar: string; test: boolean }> {
      const calendar = await createCalendarsRepository(deps.db).requireBySlug(slug);
      const payload: ClearCalendarPayload = { calendarId: calendar.id, userId: null, test: options.test, trigger: 'admin' };
      const job = await deps.queue.add(CalendarJob.clearCalendar, payload);
      return { jobId: job.id!, calendar: calendar.slug, test: options.test };
    },
  };
}

export type ClearService = ReturnType<typeof clearService>;
