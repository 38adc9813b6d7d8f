import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

import { webhookDocs } from '../schemas/webhook-docs.js';

/**
 * OpenAPI generated from the route schemas (the single source of truth), served as
 * /api/openapi.json and browsable at /api/docs.
 * @see https://github.com/fastify/fastify-swagger
 */
export const swaggerPlugin = fp(
  async function openapi(app: FastifyInstance) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'roombook',
          version: '0.1.0',
          description:
            'Book meeting rooms kept as CalDAV calendars. Job-creating requests answer 202 with a job to poll; send `Prefer: wait=N` (N ≤ 60) to wait for the result as the original synchronous API did, and `Idempotency-Key` to make retries safe. Errors are RFC 9457 problem documents.',
        },
        tags: [
          { name: 'events', description: 'Create and delete bookings' },
          { name: 'clearing', description: 'Clear double bookings and cancelled leftovers' },
          { name: 'jobs', description: 'Follow background jobs' },
          { name: 'calendars', description: 'Rooms you may book' },
          { name: 'availability', description: 'Free/busy and find-a-free-room, from the calendar store (never CalDAV)' },
          { name: 'health', description: 'Liveness and readiness' },
          { name: 'admin', description: 'Administration (as the roombook CLI): Bearer ADMIN_TOKEN' },
          { name: 'webhooks', description: 'What roombook POSTs to registered webhooks, signed per Standard Webhooks' },
        ],
        webhooks: webhookDocs(),
        components: {
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer', description: 'API key from `roombook key create`' },
            adminToken: { type: 'http', scheme: 'bearer', description: 'the ADMIN_TOKEN (admin routes only)' },
          },
        },
        security: [{ bearerAuth: [] }],
      },
    });
    await app.register(swaggerUi, { routePrefix: '/api/docs' });
    app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'swagger' },
);
