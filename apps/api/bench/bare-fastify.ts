import { randomUUID } from 'node:crypto';

import { processEnv } from '@roombook/config';
/**
 * The enqueue benchmark's anchors: bare Fastify with the same route shape (`POST
 * /api/:calendar/events`), the same params and body schema and the same Ajv options as the API,
 * answering a fixed 202. No auth, no queue: the ceiling for a thin endpoint on this machine.
 *
 * With `QUEUE_PREFIX` set, the handler also adds the body as a BullMQ job the way the API does (the
 * API's producer connection, auto-pipelined, its default job options, a random UUID as job id) and
 * answers with its id: the fixed stack's floor (Fastify + one BullMQ `add` on ioredis), with no
 * authentication, rate limit, log line or booking logic of ours.
 * Run as its own process by enqueue.bench.ts; the port comes in `PORT`.
 */
import { QueueName, createProducerConnection, defaultJobOptions } from '@roombook/queue';
import { Queue } from 'bullmq';
import Fastify from 'fastify';

import { CalendarParams, CreateEventAccepted, CreateEventSchema } from '../src/schemas/events.js';

const env = processEnv();
const prefix = env['QUEUE_PREFIX'];
const redis = prefix === undefined ? undefined : createProducerConnection(env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', { enableAutoPipelining: true });
const queue = redis && new Queue(QueueName.calendar, { connection: redis, prefix, defaultJobOptions });

const app = Fastify({
  logger: false,
  routerOptions: { ignoreTrailingSlash: true },
  ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
});
app.post(
  '/api/:calendar/events',
  { schema: { params: CalendarParams, body: CreateEventSchema, response: { 202: CreateEventAccepted } } },
  async (request, reply) => {
    const id = queue ? (await queue.add('create-event', request.body as object, { jobId: randomUUID() })).id! : '0b6a3c3e-8f7e-4a55-9d1c-2f1f0d3f6a11';
    reply.code(202);
    return { id: '4zx3QAFzoxV3vaZSKGaH2S', job: { id, state: 'waiting', url: `/api/jobs/${id}` } };
  },
);
await app.listen({ host: '127.0.0.1', port: Number(env['PORT']) });
process.on('SIGTERM', () => void app.close().then(async () => {
  await queue?.close();
  redis?.disconnect();
  process.exit(0);
}));
