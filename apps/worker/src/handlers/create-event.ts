import { buildEvent } from '@roombook/ical';
import { CalendarJob, CreateEventPayload, parsePayload, type ClearCalendarPayload, type CreateEventResult } from '@roombook/queue';
import type { Job } from 'bullmq';

import type { WorkerContext } from '../context.js';

/**
 * Writes a new booking as `<uid>.ics` with If-None-Match: * — a retry after a lost answer finds
 * its own object (412) and reports it instead of writing a duplicate.
 */
export async function createEvent(job: Job, ctx: WorkerContext): Promise<CreateEventResult> {
  const payload = parsePayload(CreateEventPayload, job.data);
  const { calendar, client } = await ctx.openCalendar(payload.calendarId);
  const now = new Date();
  const ics = buildEvent({
    uid: payload.uid,
    summary: payload.name,
    start: new Date(payload.start),
    end: new Date(payload.end),
    timeZone: payload.timeZone,
    ...(payload.description !== undefined && { description: payload.description }),
    ...(payload.organizer !== undefined && { organizer: payload.organizer }),
    ...(payload.prioritized === true && {
      priorityMark: ctx.priorityMarker.mark({ calendarId: calendar.id, uid: payload.uid, start: new Date(payload.start), end: new Date(payload.end) }),
    }),
    // CREATED decides who keeps the room in a clear, so it is the booking's time, not the retry's.
    created: new Date(job.timestamp),
    stamp: now,
  });
  const written = await ctx.withCalendarLock(payload.calendarId, () => client.createObject(`${payload.uid}.ics`, ics));
  if (calendar.autoClear) await clearSoon(calendar.id, ctx);
  // No updateProgress(100): the job completes right after, and a Redis round trip per booking
  // for a figure nobody can observe before `completed` was pure overhead (issue 9).
  return { id: payload.uid, href: written.href, etag: written.etag, alreadyExisted: !written.created };
}

/**
 * On auto_clear calendars a new booking is followed by a clear (design §4), debounced: bookings
 * arriving within the delay share one clear, which runs after the last of them.
 */
async function clearSoon(calendarId: number, ctx: WorkerContext): Promise<void> {
  const data: ClearCalendarPayload = { calendarId, userId: null, test: false, trigger: 'booking' };
  const delay = ctx.autoClearAfterBookingMs;
  await ctx.calendarQueue.add(CalendarJob.clearCalendar, data, {
    delay,
    deduplication: { id: `clear-after-booking-${calendarId}`, ttl: Math.max(delay, 1), extend: true, replace: true },
  });
}
