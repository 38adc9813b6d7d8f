import bearerAuth from '@fastify/bearer-auth';
import type { AuthenticatedUser } from '@roombook/db';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

import { problem } from '../problems.js';

declare module 'fastify' {
  interface FastifyRequest {
    user: AuthenticatedUser | null;
  }
  interface FastifyInstance {
    /** onRequest hook for routes that need an API key. */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

/**
 * Bearer API keys, checked against their SHA-256 in PostgreSQL (revoked keys never match).
 * bearer-auth runs without its own hook so that failures reach our problem+json error handler,
 * and a database outage answers 503 instead of bearer-auth's generic 500.
 */
export const authPlugin = fp(
  async function auth(app: FastifyInstance) {
    app.decorateRequest('user', null);
    await app.register(bearerAuth, {
      keys: [],
      addHook: false,
      verifyErrorLogLevel: 'debug',
      auth: async (token: string, request: FastifyRequest) => {
        const user = await app.users.authenticate(token);
        if (!user) return false;
        request.user = user;
        return true;
      },
    });
    app.decorate('authenticate', (request: FastifyRequest, reply: FastifyReply) =>
      new Promise<void>((resolve, reject) => {
        app.verifyBearerAuth!(request, reply, (error?: Error) => {
          if (!error) return resolve();
          // bearer-auth sets 401 for a missing/bad key; anything else (a thrown auth()) is ours.
          reject(reply.statusCode === 401 ? problem.unauthorized() : error);
        });
      }),
    );
  },
  { name: 'auth', dependencies: ['database'] },
);
