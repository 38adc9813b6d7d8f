import { createRequire } from 'node:module';
import { dirname } from 'node:path';

import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';

import { requireAdmin } from './admin-auth.js';

const BASE_PATH = '/admin/queues';

/**
 * Bull Board at /admin/queues behind HTTP Basic `admin:$ADMIN_TOKEN`, in its own encapsulated
 * context so the auth hook covers the dashboard and its API but nothing else.
 * @see https://github.com/felixmosh/bull-board/tree/master/examples/with-fastify-auth
 */
export async function bullBoardPlugin(app: FastifyInstance, options: { adminToken: string }) {
  requireAdmin(app, options.adminToken);
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BASE_PATH);
  createBullBoard({
    queues: [app.queues.calendar, app.queues.mail, app.queues.mirror, app.queues.webhook].map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: {
      // Resolved explicitly so the UI is found whatever the working directory (monorepo, Docker).
      uiBasePath: dirname(createRequire(import.meta.url).resolve('@bull-board/ui/package.json')),
      uiConfig: { boardTitle: 'roombook' },
    },
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: BASE_PATH });
}
