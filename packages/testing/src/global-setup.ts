import { randomBytes } from 'node:crypto';

import { processEnv } from '@roombook/config';
import type { TestProject } from 'vitest/node';

import { createTestDatabase } from './database.js';
import './provided-context.js';
import { startRadicale } from './radicale.js';


/**
 * Starts what integration tests talk to: a per-run PostgreSQL database on the machine's server,
 * and a private Radicale. Redis is the machine's own, separated by a per-run key prefix.
 * Override the servers with TEST_PG_URL / TEST_REDIS_URL.
 */
export default async function setup(project: TestProject) {
  const env = processEnv();
  const database = await createTestDatabase(env['TEST_PG_URL'] ?? undefined);
  const radicale = await startRadicale();
  project.provide('databaseUrl', database.url);
  project.provide('redisUrl', env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379');
  project.provide('runId', `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`);
  project.provide('radicaleUrl', radicale.url);
  project.provide('radicaleUsers', radicale.users);
  return async () => {
    await radicale.stop();
    await database.drop();
  };
}
