import { hash } from 'node:crypto';

import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

import { leasedRedisStore } from '../lib/leased-rate-store.js';
import { HttpProblem, sendProblem } from '../problems.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** `Prefer: wait` slots per API key (issue 10): undefined when the key holds too many already. */
    acquireWaitSlot: (request: FastifyRequest) => Promise<(() => Promise<void>) | undefined>;
    /**
     * Counts the request against the per-key job limit (throws the 429); for routes that create
     * jobs only sometimes, such as `GET /api/freebusy?fresh=true` (issue 12).
     */
    jobRateLimit: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

export interface RateLimitSettings {
  jobsMax: number;
  jobsWindowMs: number;
  authFailuresMax: number;
  authWindowMs: number;
  waitsMax: number;
}

const tooMany = (seconds: number, what: string) =>
  new HttpProblem(429, '/problems/rate-limited', 'Too many requests', `${what}; retry in ${seconds} s`, { retry_after: seconds });

/** The API key a request authenticated with, as a hash: raw tokens never become Redis keys. */
export function apiKeyId(request: FastifyRequest): string {
  // one-shot hash: half the cost of createHash, on every job-creating request
  return hash('sha256', request.headers.authorization ?? '', 'hex').slice(0, 32);
}

const JOB_METHODS = new Set(['POST', 'DELETE']);
/** Paths whose failed authentications count and which a blocked address cannot reach. */
const GUARDED = /^\/(api|admin|metrics)(\/|$|\?)/;

/**
 * Rate limits (issue 10), with @fastify/rate-limit on the queues' Redis so that every API process
 * counts together:
 * - job-creating routes (POST/DELETE under /api/: book, cancel, clear) per API key, checked after
 *   authentication;
 * - failed authentications (401: a bad API key, a bad admin Basic password) per client address; an
 *   address over the limit is turned away from /api, /admin and /metrics until its window ends, even
 *   with a right key, so guessing keys gains nothing;
 * - `Prefer: wait` requests held open per API key.
 * Over a limit: 429 problem+json with Retry-After.
 */
export const rateLimitsPlugin = fp(
  async function rateLimits(app: FastifyInstance, settings: RateLimitSettings) {
    const redis = app.queues.redis;
    const prefix = `${app.queues.prefix}:rate-limit:`;
    await app.register(rateLimit, {
      global: false,
      // Leased counts (one Redis script per 1 % of a limit, see leased-rate-store.ts): the job limit
      // cost a script per booking (issue 9); the failed-authentication limit stays exact (under 200).
      store: leasedRedisStore(redis, prefix),
      // A Redis outage answers 503 elsewhere; it must not also make every request fail here.
      skipOnError: true,
      errorResponseBuilder: (_request, context) => tooMany(Math.ceil(context.ttl / 1000), `more than ${context.max} requests in this window`),
    });

    const jobLimit = app.rateLimit({
      max: settings.jobsMax,
      timeWindow: settings.jobsWindowMs,
      hook: 'preHandler',
      keyGenerator: (request) => `jobs:${apiKeyId(request)}`,
      errorResponseBuilder: (_request, context) =>
        tooMany(Math.ceil(context.ttl / 1000), `this API key made more than ${context.max} booking, cancelling, clearing or refreshing (fresh=true) requests in ${Math.round(settings.jobsWindowMs / 1000)} s`),
    });
    app.decorate('jobRateLimit', async (request: FastifyRequest, reply: FastifyReply) => {
      await jobLimit.call(app, request, reply);
    });
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      if (!route.url.startsWith('/api/') || !methods.some((m) => JOB_METHODS.has(m))) return;
      const existing = route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler];
      route.preHandler = [jobLimit, ...existing];
    });

    const countAuthFailure = app.createRateLimit({
      max: settings.authFailuresMax,
      timeWindow: settings.authWindowMs,
      keyGenerator: (request) => `auth:${request.ip}`,
    });
    const blockKey = (request: FastifyRequest) => `${prefix}auth-blocked:${request.ip}`;
    const refuse = (request: FastifyRequest, reply: FastifyReply, ttl: number) => {
      const seconds = Math.ceil(ttl / 1000);
      // Sent here, not thrown: Bull Board's context has an error handler of its own (500s).
      sendProblem(request, reply.header('retry-after', seconds), tooMany(seconds, 'too many failed authentications from this address'));
    };
    // Read from Redis on every request, so a block holds in every API process from the moment it is
    // set. Answering it from an in-process view kept by pub/sub was tried (issue 9) and measured
    // *more* API CPU per booking (145-156 against 116-138 µs, same sitting): this awaited round
    // trip makes the requests that arrived together continue together, one Redis reply's worth at
    // a time, which is cheaper than each request running through alone (a setImmediate in its
    // place measured the same as the PTTL).
    app.addHook('onRequest', (request, reply, done) => {
      if (!GUARDED.test(request.url)) return done();
      void redis
        .pttl(blockKey(request))
        .catch(() => -2)
        .then((ttl) => (ttl > 0 ? refuse(request, reply, ttl) : done()));
    });
    // onSend, not onResponse: done before the answer leaves, so the next request sees the count. A
    // callback hook: every other answer passes without a promise.
    app.addHook('onSend', (request, reply, payload, done) => {
      if (reply.statusCode !== 401 || !GUARDED.test(request.url)) return done(null, payload);
      void countAuthFailure(request)
        .then(async (result) => {
          // The limit is the number of failures allowed: once it is used up, the address waits out the window.
          if (!result.isAllowed && result.remaining === 0) await redis.set(blockKey(request), '1', 'PX', Math.max(result.ttl, 1000)).catch(() => undefined);
        })
        .then(() => done(null, payload), done);
    });

    app.decorate('acquireWaitSlot', async (request: FastifyRequest) => {
      const key = `${prefix}waits:${apiKeyId(request)}`;
      let held: number;
      try {
        // Sent together (one round trip): a crashed process cannot leave a key's slots taken for
        // longer than the longest wait.
        [held] = await Promise.all([redis.incr(key), redis.expire(key, 120)]);
      } catch {
        // Redis failing now: the job was queued already; answer 202 rather than an error.
        return undefined;
      }
      if (held > settings.waitsMax) {
        await redis.decr(key);
        return undefined;
      }
      return async () => {
        await redis.decr(key).catch(() => undefined);
      };
    });
  },
  { name: 'rate-limits', dependencies: ['queues'] },
);
