import { randomBytes } from 'node:crypto';

import { createCalendarsRepository, createDatabase, createSecretBox } from '@roombook/db';
import type {} from '@roombook/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';

import { syncClearSchedules } from '../src/schedules.js';

describe('auto-clear schedules (real PostgreSQL and Redis)', () => {
  const database = createDatabase(inject('databaseUrl'), { max: 2 });
  const calendars = createCalendarsRepository(database.db, createSecretBox('test-secret-key-0123456789'));
  const connection = new Redis(inject('redisUrl'));
  const queue = new Queue('calendar', { connection, prefix: `${inject('runId')}-sched-${randomBytes(3).toString('hex')}` });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
    await database.close();
  });

  it('creates one scheduler per auto_clear calendar, updates its interval, removes it when turned off', async () => {
    const slug = `sched-${randomBytes(3).toString('hex')}`;
    const calendar = await calendars.create({ slug, url: 'http://127.0.0.1:1/x/', username: 'u', password: 'p', autoClear: true, clearIntervalSeconds: 900 });
    await syncClearSchedules(queue, calendars, pino({ level: 'silent' }));
    let mine = (await queue.getJobSchedulers()).filter((s) => s.key === `auto-clear-${calendar.id}`);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ every: 900_000, name: 'clear-calendar' });
    expect(mine[0]!.template?.data).toEqual({ calendarId: calendar.id, userId: null, test: false, trigger: 'schedule' });

    await calendars.update(slug, { clearIntervalSeconds: 60 });
    await syncClearSchedules(queue, calendars, pino({ level: 'silent' }));
    mine = (await queue.getJobSchedulers()).filter((s) => s.key === `auto-clear-${calendar.id}`);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.every).toBe(60_000);

    await calendars.update(slug, { autoClear: false });
    await syncClearSchedules(queue, calendars, pino({ level: 'silent' }));
    expect((await queue.getJobSchedulers()).filter((s) => s.key === `auto-clear-${calendar.id}`)).toEqual([]);
  });
});
