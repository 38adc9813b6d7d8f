import { CalendarJob, isExpiredClearReport, mergeReports, type ClearCalendarPayload, type ClearReport } from '@roombook/queue';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Job } from 'bullmq';

import { hideOrganizers, seesOrganizers } from '../lib/booking-access.js';
import { requireCalendar } from '../lib/require-calendar.js';
import { answerJobs, submitJob } from '../lib/submit-job.js';
import { problem } from '../problems.js';
import { ClearAcceptedSchema, ClearQuerySchema, ClearReportSchema, TEST_TRUE } from '../schemas/clear.js';
import { ProblemSchema, commonProblems } from '../schemas/problem.js';

const TRUTHY = new Set<string>(TEST_TRUE);

const clearRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.delete(
    '/api/clear-bookings',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['clearing'],
        summary: 'Clear double bookings and cancelled leftovers',
        description:
          "Enqueues one clear job per calendar (the named one, or all of the caller's). Answers 202 with the jobs; with `Prefer: wait=N` answers 200 with the merged report once all are done, as the seed did. `test=1|ok|on|true|yes` plans without writing anything; `0|off|false|no` or empty clears for real; any other value is 400.",
        querystring: ClearQuerySchema,
        headers: { type: 'object', properties: { prefer: { type: 'string' }, 'idempotency-key': { type: 'string' } } },
        response: { 200: ClearReportSchema, 202: ClearAcceptedSchema, ...commonProblems, 409: ProblemSchema, 422: ProblemSchema, 502: ProblemSchema },
      },
    },
    async (request, reply) => {
      const userId = request.user!.id;
      const test = TRUTHY.has((request.query.test ?? '').toLowerCase());
      const calendars = request.query.calendar ? [await requireCalendar(app, userId, request.query.calendar)] : await app.calendars.listForUser(userId);
      const jobs: Job[] = [];
      for (const calendar of calendars) {
        const { job } = await submitJob(app, request, () => {
          const payload: ClearCalendarPayload = { calendarId: calendar.id, userId, test, trigger: 'api' };
          return { name: CalendarJob.clearCalendar, payload, extra: null };
        }, calendar.slug);
        jobs.push(job);
      }
      const managed = await Promise.all(calendars.map((c) => seesOrganizers(app, userId, c.id)));
      return answerJobs(app, request, reply, jobs, {
        accepted: (refs) => ({ ...(refs.length === 1 && { job: refs[0] }), jobs: refs }),
        // Organizer addresses only for the calendars the caller manages (issue 10).
        completed: (results) => {
          // Each result was resolved to its report on completion; one stored for seconds has not expired.
          if (results.some(isExpiredClearReport)) throw problem.unavailable('a clear report expired before it could be read; see GET /api/jobs/{id}');
          return mergeReports(results.map((r, i) => (managed[i] ? r : hideOrganizers(r))) as ClearReport[], test);
        },
      });
    },
  );
};

export default clearRoutes;
