import { timingSafeEqual } from 'node:crypto';

import type { FastifyInstance } from 'fastify';

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * HTTP Basic `admin:$ADMIN_TOKEN` on every route of the (encapsulated) context it is added to:
 * the operator's pages, Bull Board and /metrics. A 401 is a problem document with a Basic challenge.
 */
export function requireAdmin(app: FastifyInstance, adminToken: string): void {
  const expected = 'Basic ' + Buffer.from(`admin:${adminToken}`).toString('base64');
  app.addHook('onRequest', async (request, reply) => {
    if (!safeEqual(request.headers.authorization ?? '', expected)) {
      await reply
        .code(401)
        .header('WWW-Authenticate', 'Basic realm="roombook admin", charset="UTF-8"')
        .type('application/problem+json')
        .send({ type: '/problems/unauthorized', title: 'Unauthorized', status: 401, detail: 'admin credentials required' });
    }
  });
}
