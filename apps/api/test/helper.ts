import {
  createCalendarsRepository,
  createDatabase,
  createSecretBox,
  createUsersRepository,
  type BookingPolicy,
  type DatabaseHandle,
} from '@roombook/db';
import { loadWorkerConfig, startWorkers, type RunningWorkers } from '@roombook/worker';
import type { FastifyInstance } from 'fastify';
import { uniqueName } from '@roombook/testing';
import { inject } from 'vitest';

import { buildApp } from '../src/app.js';
import { loadApiConfig, type ApiConfig } from '../src/config.js';

export const TEST_SECRET_KEY = 'test-secret-key-0123456789';

export { uniqueName };

/** API config for this test run: the per-run database and a queue prefix of its own. */
export function testConfig(overrides: Record<string, string> = {}): ApiConfig {
  return loadApiConfig({
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    QUEUE_PREFIX: uniqueName(inject('runId')),
    TIME_ZONE: 'Europe/Berlin',
    LOG_LEVEL: 'silent',
    ADMIN_TOKEN: 'admin-token-for-tests',
    ...overrides,
  });
}

export interface Fixture {
  user: { id: number; name: string };
  token: string;
  calendar: { id: number; slug: string };
}

/**
 * A user with an API key and one calendar granted to them, written through the repositories.
 * The grant includes `manage` unless told otherwise: most tests cancel events that other clients
 * wrote, which only managers may (issue 10); the ownership tests pass `{ manage: false }`.
 * `policy` sets the calendar's booking policy (issue 11).
 */
export async function seedUser(db: DatabaseHandle, calendarUrl = 'http://127.0.0.1:1/none/', options: { manage?: boolean; policy?: Partial<BookingPolicy> | undefined } = {}): Promise<Fixture> {
  const users = createUsersRepository(db.db);
  const calendars = createCalendarsRepository(db.db, createSecretBox(TEST_SECRET_KEY));
  const user = await users.create({ name: uniqueName('user') });
  const key = await users.createKey({ userName: user.name });
  const calendar = await calendars.create({
    slug: uniqueName('room'),
    url: calendarUrl,
    username: 'rooms',
    password: 'rooms-pass',
    timeZone: 'Europe/Berlin',
    policy: options.policy,
  });
  await calendars.grant(calendar.slug, user.name, { manage: options.manage ?? true });
  return { user, token: key.token, calendar };
}

export async function buildTestApp(config = testConfig()): Promise<{ app: FastifyInstance; db: DatabaseHandle; config: ApiConfig }> {
  const app = await buildApp(config);
  await app.ready();
  const db = createDatabase(config.DATABASE_URL, { max: 2 });
  return { app, db, config };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A real worker in this process, on the same database and queue prefix as the API under test. */
export function startTestWorkers(config: ApiConfig, env: Record<string, string> = {}): Promise<RunningWorkers> {
  return startWorkers(
    loadWorkerConfig({
      DATABASE_URL: config.DATABASE_URL,
      REDIS_URL: config.REDIS_URL,
      QUEUE_PREFIX: config.QUEUE_PREFIX,
      SECRET_KEY: TEST_SECRET_KEY,
      LOG_LEVEL: 'silent',
      ...env,
    }),
  );
}
