import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import view from '@fastify/view';
import type { FastifyInstance } from 'fastify';
import { Liquid } from 'liquidjs';

import { HttpProblem } from '../problems.js';
import { adminApiRoutes } from './api-routes.js';
import { cookieSecret, hasAdminBearer, hasSession } from './auth.js';
import { consoleRoutes } from './console-routes.js';
import { adminServices } from './services.js';
import { adminWebhookRoutes } from './webhook-routes.js';

/** Views and the console's stylesheet sit beside src/ and dist/, so both find them. */
const viewsDir = fileURLToPath(new URL('../../views', import.meta.url));
const require = createRequire(import.meta.url);

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The admin API (/api/admin/…) and the console (/admin), in one encapsulated context: the cookie,
 * CSRF, form-body and rate-limit plugins apply here and nowhere else in the API.
 */
export async function adminPlugin(app: FastifyInstance, options: { adminToken: string }) {
  await app.register(cookie, { secret: cookieSecret(options.adminToken) });
  await app.register(formbody, { bodyLimit: 300_000 });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'roombook_csrf',
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, signed: true },
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new HttpProblem(429, '/problems/too-many-requests', 'Too many requests', `too many attempts; try again in ${context.after}`),
  });
  await app.register(view, {
    // outputEscape: every {{ value }} is HTML-escaped unless a template says `| raw`.
    engine: { liquid: new Liquid({ root: viewsDir, extname: '.liquid', outputEscape: 'escape', cache: true }) },
    root: viewsDir,
  });

  const services = adminServices(app);
  await app.register(async (api) => {
    // Bearer ADMIN_TOKEN for scripts; the console's session cookie (plus its CSRF token on writes) for the browser.
    const viaSession = new WeakSet<object>();
    api.addHook('onRequest', async (request) => {
      if (hasAdminBearer(request, options.adminToken)) return;
      if (hasSession(request)) {
        viaSession.add(request);
        return;
      }
      throw new HttpProblem(401, '/problems/unauthorized', 'Unauthorized', 'the admin token is required (Authorization: Bearer $ADMIN_TOKEN)');
    });
    // The CSRF token is checked once the body is parsed (it may travel in it as `_csrf`).
    api.addHook('preHandler', async (request, reply) => {
      if (!viaSession.has(request) || !UNSAFE.has(request.method)) return;
      await new Promise<void>((resolve, reject) => api.csrfProtection(request, reply, (error?: Error) => (error ? reject(error) : resolve())));
    });
    await api.register(adminApiRoutes(services));
    await api.register(adminWebhookRoutes());
  }, { prefix: '/api/admin' });

  const assets: Record<string, { file: string; type: string }> = {
    'htmx.min.js': { file: require.resolve('htmx.org/dist/htmx.min.js'), type: 'text/javascript' },
    'console.css': { file: `${viewsDir}/console.css`, type: 'text/css' },
  };
  app.get<{ Params: { name: string } }>('/admin/assets/:name', { schema: { hide: true } }, async (request, reply) => {
    const asset = assets[request.params.name];
    if (!asset) return reply.callNotFound();
    return reply.type(asset.type).header('Cache-Control', 'public, max-age=3600').send(await readFile(asset.file));
  });
  await app.register(consoleRoutes({ adminToken: options.adminToken }));
}
