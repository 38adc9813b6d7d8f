import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { DestinationStream } from 'pino';

import type { ApiConfig } from './config.js';
import { OneLineRequestLog } from './lib/request-log.js';
import { authPlugin } from './plugins/auth.js';
import { adminPlugin } from './admin/plugin.js';
import { bullBoardPlugin } from './plugins/bull-board.js';
import { databasePlugin } from './plugins/database.js';
import { metricsPlugin } from './plugins/metrics.js';
import { queuesPlugin } from './plugins/queues.js';
import { rateLimitsPlugin } from './plugins/rate-limits.js';
import { swaggerPlugin } from './plugins/swagger.js';
import { HttpProblem, problemsPlugin, sendProblem } from './problems.js';
import availabilityRoutes from './routes/availability.js';
import calendarsRoutes from './routes/calendars.js';
import eventsRoutes from './routes/events.js';
import healthRoutes from './routes/health.js';
import clearRoutes from './routes/clear.js';
import jobsRoutes from './routes/jobs.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: ApiConfig;
  }
}

/**
 * Builds the API without listening, so tests drive it with `inject` and server.ts owns the
 * process concerns (signals, ports). Plugins load in tiers: resources, then auth and docs,
 * then routes.
 */
export async function buildApp(
  config: ApiConfig,
  options: FastifyServerOptions = {},
  /** Where the log goes (server.ts: stdout, written asynchronously); default stdout, synchronously. */
  logStream?: DestinationStream,
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: config.LOG_LEVEL, redact: ['req.headers.authorization', 'req.headers.cookie'], ...(logStream && { stream: logStream }) },
    logController: new OneLineRequestLog(),
    routerOptions: { ignoreTrailingSlash: true },
    // Unknown body fields are refused (400), not silently dropped: a typo must not book the wrong thing.
    // No type coercion (issue 10): `{"name": ["x"]}` or `"prioritized": "true"` is a 400, not a guess.
    // Every querystring, params and header schema is made of strings, so their parsing is unchanged.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
    // Never hang a client: PostgreSQL/Redis calls fail fast, and a request has a hard cap.
    requestTimeout: 90_000,
    // Errors the router raises before any hook (a malformed URL, an overlong path segment) are
    // problem documents too (issue 10), without echoing the URL back.
    frameworkErrors: (error, request, reply) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      return sendProblem(
        request,
        reply,
        new HttpProblem(tooLong ? 414 : 400, tooLong ? '/problems/uri-too-long' : '/problems/bad-request', tooLong ? 'URI too long' : 'Bad request', tooLong ? 'a path segment is longer than any id or slug' : 'the URL is malformed'),
      );
    },
    ...options,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('config', config);
  // The original app's documented DELETE sends `Content-Type: application/json` with no body;
  // Fastify would refuse that with 400, so an empty JSON body counts as no body.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text === '') return done(null, undefined);
    return parseJson(request, text, done);
  });
  await app.register(problemsPlugin);
  await app.register(databasePlugin, { url: config.DATABASE_URL });
  await app.register(queuesPlugin, { url: config.REDIS_URL, prefix: config.QUEUE_PREFIX });
  await app.register(rateLimitsPlugin, {
    jobsMax: config.RATE_LIMIT_JOBS_MAX,
    jobsWindowMs: config.RATE_LIMIT_JOBS_WINDOW_SECONDS * 1000,
    authFailuresMax: config.RATE_LIMIT_AUTH_FAILURES_MAX,
    authWindowMs: config.RATE_LIMIT_AUTH_WINDOW_SECONDS * 1000,
    waitsMax: config.RATE_LIMIT_WAITS_MAX,
  });
  await app.register(authPlugin);
  await app.register(swaggerPlugin);

  await app.register(healthRoutes);
  await app.register(calendarsRoutes);
  await app.register(eventsRoutes);
  await app.register(jobsRoutes);
  await app.register(clearRoutes);
  await app.register(availabilityRoutes);

  if (config.ADMIN_TOKEN) {
    await app.register(bullBoardPlugin, { adminToken: config.ADMIN_TOKEN });
    await app.register(metricsPlugin, { adminToken: config.ADMIN_TOKEN });
    await app.register(adminPlugin, { adminToken: config.ADMIN_TOKEN });
  } else {
    app.log.info('ADMIN_TOKEN is not set: the admin console and API (/admin, /api/admin), Bull Board (/admin/queues) and /metrics are disabled');
  }
  return app;
}
