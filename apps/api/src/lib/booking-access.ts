import type { PublicCalendar } from '@roombook/db';
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
  const owner = await app.calendars.bookingOwner(calendar.id, uid);
  if (owner === userId) return;
  throw problem.forbidden(
    owner === undefined
      ? `only managers of calendar "${calendar.slug}" may cancel events that were not booked through this API (roombook calendar grant --manage)`
      : `this booking was made by another user; only they and managers of calendar "${calendar.slug}" may cancel it`,
  );
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
