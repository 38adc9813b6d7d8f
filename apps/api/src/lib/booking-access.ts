import type { PublicCalendar } from '@roombook/db';
import { CalendarJob, type CreateEventPayload } from '@roombook/queue';
import type { FastifyInstance } from 'fastify';

import { problem } from '../problems.js';

/**
 * May this user cancel the event with this UID (issue 10)? Its maker may, and so may users holding
 * the calendar's manage grant; on an `--open-delete` calendar anyone granted it may (the seed's
 * behaviour). Events not booked through the API (other clients wrote them) only managers may.
 */
export async function assertMayCancel(app: FastifyInstance, userId: number, calendar: PublicCalendar, uid: string): Promise<void> {
  const access = await app.calendars.accessFor(userId, calendar.id);
  if (access?.manage || access?.openDelete) return;
  const owner = await bookedBy(app, calendar.id, uid);
  if (owner === userId) return;
  throw problem.forbidden(
    owner === undefined
      ? `only managers of calendar "${calendar.slug}" may cancel events that were not booked through this API (roombook calendar grant --manage)`
      : `this booking was made by another user; only they and managers of calendar "${calendar.slug}" may cancel it`,
  );
}

/**
 * Who booked this UID: its owner row in PostgreSQL, else its pending create job. The API does not
 * write the row (one INSERT per booking was the largest cost of an enqueue, issue 9): the worker
 * writes it before its PUT, and the create job's id is the UID, so a cancel sent right after the
 * 202 finds the booker in the job. That record lives exactly as long as the job that would create
 * the event (Redis without persistence loses both together). Read in this order because the job
 * may complete and be removed between the two reads: when it is gone, the row was committed before
 * it completed, so a second read of the row finds it.
 */
async function bookedBy(app: FastifyInstance, calendarId: number, uid: string): Promise<number | null | undefined> {
  const owner = await app.calendars.bookingOwner(calendarId, uid);
  if (owner !== undefined) return owner;
  const job = await app.queues.calendar.getJob(uid);
  if (job) {
    const data: unknown = job.data;
    return job.name === CalendarJob.createEvent && isPayloadFor(data, calendarId) ? data.userId : undefined;
  }
  return app.calendars.bookingOwner(calendarId, uid);
}

/** A create job's data for this calendar (job ids are also UUIDs of other jobs: check what it is). */
function isPayloadFor(data: unknown, calendarId: number): data is CreateEventPayload {
  const payload = data as Partial<CreateEventPayload> | null;
  return payload?.calendarId === calendarId && typeof payload.userId === 'number';
}

/** Whether the user sees organizers in this calendar's clear reports: managers only. */
export async function seesOrganizers(app: FastifyInstance, userId: number, calendarId: number): Promise<boolean> {
  return (await app.calendars.accessFor(userId, calendarId))?.manage === true;
}

/**
 * A copy of a clear report (or a job's progress holding one) with every organizer address
 * replaced by null: users without the manage grant see the bookings' names and times only.
 */
export function hideOrganizers<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => hideOrganizers(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) copy[key] = key === 'organizer' ? null : hideOrganizers(v);
  return copy as T;
}
