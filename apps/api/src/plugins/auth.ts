import bearerAuth from '@fastify/bearer-auth';
import { hashToken, type AuthenticatedUser, type PublicCalendar } from '@roombook/db';
import { accessChangesChannel, createWorkerConnection } from '@roombook/queue';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import fp from 'fastify-plugin';

import { TtlCache } from '../lib/ttl-cache.js';
import { problem } from '../problems.js';

declare module 'fastify' {
  interface FastifyRequest {
    user: AuthenticatedUser | null;
  }
  interface FastifyInstance {
    /** onRequest hook for routes that need an API key. */
    authenticate: (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void;
    /** Cached access lookups (see {@link authPlugin}). */
    access: {
      /** The user's calendar with this slug, if it is granted to them. */
      calendarFor: (userId: number, slug: string) => Promise<PublicCalendar | undefined>;
      /** Drops every cached key and grant (what an access-change message does). */
      clear: () => void;
      /** Also runs `listener` whenever the cache is dropped (other caches of answers that depend on grants). */
      onClear: (listener: () => void) => void;
      /** Resolves once this process listens for access changes. */
      listening: Promise<void>;
    };
  }
}

/**
 * Bearer API keys, checked against their SHA-256 in PostgreSQL (revoked keys never match).
 * bearer-auth runs without its own hook so that failures reach our problem+json error handler,
 * and a database outage answers 503 instead of bearer-auth's generic 500.
 *
 * Key -> user and user + slug -> calendar are cached in process for ACCESS_CACHE_TTL_MS (two
 * PostgreSQL round trips per request were most of the enqueue path's cost, issue 9). Revocation
 * still takes effect at once in every API process: the admin operations (@roombook/service)
 * publish on the access-changes channel and each process drops its cache on the message. The TTL
 * bounds staleness when a message is missed (Redis down, a change made outside the service); the
 * cache is also dropped whenever the subscription (re)connects, since messages may have been
 * missed meanwhile. A key's last use is still recorded (once a minute) on each cache miss.
 */
export const authPlugin = fp(
  async function auth(app: FastifyInstance) {
    const ttlMs = app.config.ACCESS_CACHE_TTL_MS;
    const users = new TtlCache<AuthenticatedUser>(ttlMs);
    const grants = new TtlCache<PublicCalendar>(ttlMs);
    const listeners: (() => void)[] = [];
    const clear = () => {
      users.clear();
      grants.clear();
      for (const listener of listeners) listener();
    };

    const channel = accessChangesChannel(app.config.QUEUE_PREFIX);
    const subscriber = createWorkerConnection(app.config.REDIS_URL);
    subscriber.on('error', (error) => app.log.warn({ err: error }, 'redis (access changes) connection error'));
    subscriber.on('ready', clear);
    subscriber.on('message', (from: string) => {
      if (from === channel) clear();
    });
    // Not awaited by the plugin: the API must start (and answer 503) while Redis is down.
    const listening = subscriber.subscribe(channel).then(
      () => undefined,
      (error: unknown) => app.log.warn({ err: error }, 'could not subscribe to access changes'),
    );
    app.addHook('onClose', () => subscriber.disconnect());

    app.decorate('access', {
      calendarFor: (userId: number, slug: string) => grants.get(`${userId}\u0000${slug}`, () => app.calendars.findForUser(userId, slug)),
      clear,
      onClear: (listener: () => void) => listeners.push(listener),
      listening,
    });
    app.decorateRequest('user', null);
    await app.register(bearerAuth, {
      keys: [],
      addHook: false,
      verifyErrorLogLevel: 'debug',
      auth: async (token: string, request: FastifyRequest) => {
        // keyed by the hash, so the cache holds no usable token
        const user = await users.get(hashToken(token), () => app.users.authenticate(token));
        if (!user) return false;
        request.user = user;
        return true;
      },
    });
    // A callback hook, not a promise wrapped around bearer-auth's callback: one promise fewer per request.
    app.decorate('authenticate', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      app.verifyBearerAuth!(request, reply, (error?: Error) => {
        // bearer-auth sets 401 for a missing/bad key; anything else (a thrown auth()) is ours.
        done(error && (reply.statusCode === 401 ? problem.unauthorized() : error));
      });
    });
  },
  { name: 'auth', dependencies: ['database', 'queues'] },
);
