import type { PublicCalendar } from '@roombook/db';
import type { FastifyInstance } from 'fastify';

import { problem } from '../problems.js';

/** The caller's calendar by slug; anyone else's, or none, is 404 (never 403: do not reveal it exists). */
export async function requireCalendar(app: FastifyInstance, userId: number, slug: string): Promise<PublicCalendar> {
  const calendar = await app.access.calendarFor(userId, slug);
  if (!calendar) throw problem.notFound(`no calendar "${slug}"`);
  return calendar;
}
