import { isTimeZone } from '@roombook/config';
import { CalendarJob, type CreateEventPayload, type CreateEventResult, type DeleteEventPayload } from '@roombook/queue';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

import { assertMayCancel } from '../lib/booking-access.js';
import { checkBookingPolicy } from '../lib/booking-policy.js';
import { newEventId } from '../lib/event-id.js';
import { naiveTimeZone, toInstant } from '../lib/local-time.js';
import { requireCalendar } from '../lib/require-calendar.js';
import { answerJob, submitJob } from '../lib/submit-job.js';
import { problem, type FieldError } from '../problems.js';
import {
  CalendarParams,
  CreateEventAccepted,
  CreateEventCreated,
  CreateEventSchema,
  DeleteEventQuery,
  EventParams,
  JobAccepted,
} from '../schemas/events.js';
import { BookingRuleProblemSchema, ConflictProblemSchema } from '../schemas/booking-problems.js';
import { ProblemSchema, commonProblems } from '../schemas/problem.js';

/** `?occurrence=` as an instant (UTC ISO); without an offset it is wall-clock time in the room's zone. */
function occurrenceInstant(text: string, zone: string): string {
  const instant = toInstant(text, zone);
  if (!instant) throw problem.validation('query.occurrence is not a valid date-time', [{ field: 'query.occurrence', message: 'is not a valid date-time' }]);
  return instant.toISOString();
}

/**
 * Booking routes. `/events` and the seed's `/event` are the same routes; trailing slashes are
 * accepted app-wide. The API only validates and enqueues — the worker talks CalDAV.
 */
const eventsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const collection of ['events', 'event'] as const) {
    const alias = collection === 'event';

    app.post(
      `/api/:calendar/${collection}`,
      {
        onRequest: app.authenticate,
        schema: {
          tags: ['events'],
          summary: alias ? 'Book a room (alias of /events)' : 'Book a room',
          description:
            'Enqueues a create job. Answers 202 with the event id and the job; with `Prefer: wait=N` answers 201 once the event is on the server.',
          hide: alias,
          params: CalendarParams,
          body: CreateEventSchema,
          headers: { type: 'object', properties: { prefer: { type: 'string' }, 'idempotency-key': { type: 'string' } } },
          response: { 201: CreateEventCreated, 202: CreateEventAccepted, ...commonProblems, 403: ProblemSchema, 409: ConflictProblemSchema, 422: BookingRuleProblemSchema, 502: ProblemSchema },
        },
      },
      async (request, reply) => {
        const calendar = await requireCalendar(app, request.user!.id, request.params.calendar);
        const body = request.body;
        if (body.prioritized === true && !request.user!.canPrioritize) {
          throw problem.forbidden('this API key may not book prioritized events (roombook key create --can-prioritize)');
        }
        const errors: FieldError[] = [];
        if (body.timezone !== undefined && !isTimeZone(body.timezone)) {
          errors.push({ field: 'body.timezone', message: `unknown IANA time zone "${body.timezone}"` });
        }
        const inputZone = errors.length === 0 ? naiveTimeZone(body.timezone, calendar.timeZone, app.config.TIME_ZONE) : 'UTC';
        const start = toInstant(body.start, inputZone);
        const end = toInstant(body.end, inputZone);
        if (!start) errors.push({ field: 'body.start', message: 'is not a valid date-time' });
        if (!end) errors.push({ field: 'body.end', message: 'is not a valid date-time' });
        if (start && end && end.getTime() <= start.getTime()) {
          errors.push({ field: 'body.end', message: 'must be after start' });
        }
        if (errors.length > 0) {
          throw problem.validation(errors.map((e) => `${e.field} ${e.message}`).join('; '), errors);
        }
        const writeZone = body.timezone ?? (calendar.timeZone || app.config.TIME_ZONE);
        const policy = checkBookingPolicy(calendar, { start: start!, end: end!, timeZone: writeZone, rrule: body.rrule }, new Date());
        // Not awaited here: answerJob asks for the wait slot beside the add.
        const submitted = submitJob(app, request, () => {
          const uid = newEventId();
          const payload: CreateEventPayload = {
            calendarId: calendar.id,
            userId: request.user!.id,
            uid,
            name: body.name,
            start: start!.toISOString(),
            end: end!.toISOString(),
            timeZone: writeZone,
            ...(body.description !== undefined && { description: body.description }),
            ...(body.organizer !== undefined && { organizer: body.organizer }),
            ...(body.prioritized === true && { prioritized: true }),
            ...(policy.rrule !== undefined && { rrule: policy.rrule }),
          };
          // The job's id is the UID: until the worker has recorded the booking's owner in
          // PostgreSQL (before its PUT), the pending job is the owner's record (assertMayCancel).
          return { name: CalendarJob.createEvent, payload, extra: { id: uid }, jobId: uid };
        });
        return answerJob(app, request, reply, submitted, {
          accepted: (ref, extra) => ({ id: extra.id, job: ref }),
          completed: (result, extra) => {
            reply.code(201);
            const created = result as CreateEventResult;
            if (created.occurrences === undefined) return { id: extra.id };
            return { id: extra.id, occurrences: created.occurrences, skipped_occurrences: created.skipped_occurrences ?? [] };
          },
        });
      },
    );

    app.delete(
      `/api/:calendar/${collection}/:id`,
      {
        onRequest: app.authenticate,
        schema: {
          tags: ['events'],
          summary: alias ? 'Cancel a booking (alias of /events/{id})' : 'Cancel a booking',
          description:
            "Enqueues a delete job for the event with this UID. Allowed to the user who booked it and to the calendar's managers; events written by other clients only to managers; on an `--open-delete` calendar to anyone granted it. Others get 403. Answers 202; with `Prefer: wait=N` answers 204 once it is gone.",
          hide: alias,
          params: EventParams,
          querystring: DeleteEventQuery,
          headers: { type: 'object', properties: { prefer: { type: 'string' }, 'idempotency-key': { type: 'string' } } },
          response: { 202: JobAccepted, 204: { type: 'null', description: 'deleted' }, ...commonProblems, 403: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema, 502: ProblemSchema },
        },
      },
      async (request, reply) => {
        const calendar = await requireCalendar(app, request.user!.id, request.params.calendar);
        await assertMayCancel(app, request.user!.id, calendar, request.params.id);
        const submitted = submitJob(app, request, () => {
          const occurrence = request.query.occurrence;
          const payload: DeleteEventPayload = {
            calendarId: calendar.id,
            userId: request.user!.id,
            uid: request.params.id,
            ...(occurrence !== undefined && { occurrence: occurrenceInstant(occurrence, calendar.timeZone) }),
          };
          return { name: CalendarJob.deleteEvent, payload, extra: null };
        });
        return answerJob(app, request, reply, submitted, {
          accepted: (ref) => ({ job: ref }),
          completed: () => {
            reply.code(204);
            return null;
          },
        });
      },
    );
  }
};

export default eventsRoutes;
