import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'drizzle-orm';
import { Type } from 'typebox';

import { problem } from '../problems.js';
import { ProblemSchema } from '../schemas/problem.js';

const CHECK_TIMEOUT_MS = 2000;

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    work,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer in time`)), CHECK_TIMEOUT_MS).unref()),
  ]);
}

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/healthz',
    { schema: { tags: ['health'], summary: 'Liveness', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'Readiness: PostgreSQL and Redis answer',
        response: { 200: Type.Object({ status: Type.Literal('ready'), postgres: Type.String(), redis: Type.String() }), 503: ProblemSchema },
      },
    },
    async () => {
      const [postgres, redis] = await Promise.allSettled([
        withTimeout(app.db.execute(sql`select 1`), 'PostgreSQL'),
        withTimeout(app.queues.redis.ping(), 'Redis'),
      ]);
      const down = [postgres.status === 'rejected' && 'PostgreSQL', redis.status === 'rejected' && 'Redis'].filter(Boolean);
      if (down.length > 0) throw problem.unavailable(`${down.join(' and ')} unavailable`);
      return { status: 'ready' as const, postgres: 'ok', redis: 'ok' };
    },
  );
};

export default healthRoutes;
