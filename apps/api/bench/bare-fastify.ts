import { processEnv } from '@roombook/config';
/**
 * The enqueue benchmark's anchor: bare Fastify with the same route shape (`POST
 * /api/:calendar/events`), the same params and body schema and the same Ajv options as the API,
 * answering a fixed 202. No auth, no queue: the ceiling for a thin endpoint on this machine.
 * Run as its own process by enqueue.bench.ts; the port comes in `PORT`.
 */
import Fastify from 'fastify';

import { CalendarParams, CreateEventAccepted, CreateEventSchema } from '../src/schemas/events.js';

const app = Fastify({
  logger: false,
  routerOptions: { ignoreTrailingSlash: true },
  ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
});
app.post(
  '/api/:calendar/events',
  { schema: { params: CalendarParams, body: CreateEventSchema, response: { 202: CreateEventAccepted } } },
  async (_request, reply) => {
    reply.code(202);
    return { id: '4zx3QAFzoxV3vaZSKGaH2S', job: { id: '0b6a3c3e-8f7e-4a55-9d1c-2f1f0d3f6a11', state: 'waiting', url: '/api/jobs/0b6a3c3e-8f7e-4a55-9d1c-2f1f0d3f6a11' } };
  },
);
await app.listen({ host: '127.0.0.1', port: Number(processEnv()["PORT"]) });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
