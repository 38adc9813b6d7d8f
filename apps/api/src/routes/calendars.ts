import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

import { CalendarListSchema } from '../schemas/calendars.js';
import { commonProblems } from '../schemas/problem.js';

const calendarsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/calendars',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['calendars'],
        summary: "The caller's calendars",
        response: { 200: CalendarListSchema, ...commonProblems },
      },
    },
    async (request) => {
      const rows = await app.calendars.listForUser(request.user!.id);
      return {
        calendars: rows.map((c) => ({
          slug: c.slug,
          name: c.displayName,
          time_zone: c.timeZone,
          conflicts: c.conflictPolicy,
          series_max_conflicts: c.seriesMaxConflicts,
          rules: { max_days_ahead: c.maxDaysAhead, min_minutes: c.minMinutes, max_minutes: c.maxMinutes, opening_hours: c.openingHours },
          capacity: c.capacity,
          features: c.features,
          location: c.location,
        })),
      };
    },
  );
};

export default calendarsRoutes;
