import { CalendarJob } from '@roombook/queue';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { hideOrganizers, seesOrganizers } from '../lib/booking-access.js';
import { toJobView } from '../lib/job-view.js';
import { problem } from '../problems.js';
import { JobViewSchema } from '../schemas/jobs.js';
import { commonProblems } from '../schemas/problem.js';

const jobsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/jobs/:jobId',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['jobs'],
        summary: 'Follow a job',
        description: "State, progress, result or error of one of the caller's jobs. Other users' jobs are 404.",
        params: Type.Object({ jobId: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: JobViewSchema, ...commonProblems },
      },
    },
    async (request) => {
      app.queues.assertAvailable();
      const job = await app.queues.calendar.getJob(request.params.jobId);
      // Not revealing whether someone else's job exists: theirs and missing look the same.
      const owner = (job?.data as { userId?: unknown } | undefined)?.userId;
      if (!job || owner !== request.user!.id) throw problem.notFound(`no job "${request.params.jobId}"`);
      const view = await toJobView(job, app.queues.redis, () => app.queues.calendar.getJob(request.params.jobId));
      // A clear's report names organizers: only the calendar's managers see them (issue 10).
      const calendarId = (job.data as { calendarId?: unknown }).calendarId;
      if (job.name === CalendarJob.clearCalendar && !(typeof calendarId === 'number' && (await seesOrganizers(app, request.user!.id, calendarId)))) {
        return { ...view, result: hideOrganizers(view.result), progress: hideOrganizers(view.progress) };
      }
      return view;
    },
  );
};

export default jobsRoutes;
