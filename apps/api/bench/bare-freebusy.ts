import { processEnv } from '@roombook/config';
/**
 * The free/busy benchmark's anchor: bare Fastify with the same route (`GET /api/freebusy`), the
 * same querystring and response schemas and the same Ajv options as the API, answering a fixed
 * body of the size the API answers (20 rooms, 7 days of the benchmark's bookings). No auth, no
 * database: the ceiling for a read endpoint of this size on this machine. Run as its own process by
 * freebusy.bench.ts; the port comes in `PORT`, the body in the file `BODY_FILE`.
 */
import { readFileSync } from 'node:fs';

import Fastify from 'fastify';

import { FreeBusyQuerySchema, FreeBusySchema } from '../src/schemas/availability.js';

const body = JSON.parse(readFileSync(processEnv()["BODY_FILE"]!, 'utf8')) as unknown;
const app = Fastify({
  logger: false,
  routerOptions: { ignoreTrailingSlash: true },
  ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
});
app.get('/api/freebusy', { schema: { querystring: FreeBusyQuerySchema, response: { 200: FreeBusySchema } } }, async () => body);
await app.listen({ host: '127.0.0.1', port: Number(processEnv()["PORT"]) });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
