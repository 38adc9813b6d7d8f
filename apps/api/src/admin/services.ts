import { createSecretBox, type SecretBox } from '@roombook/db';
import {
  auditService,
  calendarService,
  clearService,
  templateService,
  tokenService,
  userService,
  redisAccessChanges,
  type ClearQueue,
} from '@roombook/service';
import type { FastifyInstance } from 'fastify';

import { HttpProblem } from '../problems.js';

/** The service layer the CLI uses, over the API's database pool, SECRET_KEY and calendar queue. */
export function adminServices(app: FastifyInstance) {
  let box: SecretBox | undefined;
  const secrets = (): SecretBox => {
    const key = app.config.SECRET_KEY;
    if (!key) {
      throw new HttpProblem(
        503,
        '/problems/secret-key-missing',
        'SECRET_KEY not set',
        'this operation stores or uses a CalDAV password and needs SECRET_KEY in the API\'s environment (the same key the worker and CLI use)',
      );
    }
    box ??= createSecretBox(key);
    return box;
  };
  const db = app.db;
  // BullMQ's Queue#add takes more options than ClearQueue names; this is the one call the service makes.
  const queue: ClearQueue = { add: (name, data) => app.queues.calendar.add(name, data) };
  // Revoking a key or a grant here must reach every API process's access cache at once, this one
  // included, exactly as when the CLI does it (issue 9).
  const accessChanges = redisAccessChanges({
    url: app.config.REDIS_URL,
    prefix: app.config.QUEUE_PREFIX,
    onError: (error) => app.log.warn({ err: error }, 'could not announce an access change'),
  });
  app.addHook('onClose', async () => accessChanges.close());
  return {
    users: userService({ db, accessChanges }),
    calendars: calendarService({ db, secrets, accessChanges }),
    tokens: tokenService({ db }),
    templates: templateService({ db }),
    // The producer connection fails fast when Redis is away (-> 503), never hangs the request.
    audit: auditService({ db, secrets, calendarLock: { redis: async () => app.queues.redis, prefix: app.config.QUEUE_PREFIX } }),
    clear: clearService({ db, queue }),
  };
}

export type AdminServices = ReturnType<typeof adminServices>;
