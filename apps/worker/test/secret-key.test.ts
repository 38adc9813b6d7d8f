
import { createCalendarsRepository, createSecretBox, createUsersRepository } from '@roombook/db';
import { CalendarJob, parseJobError, type CreateEventPayload } from '@roombook/queue';
import { uniqueName } from '@roombook/testing';
import { describe, expect, inject, it } from 'vitest';

import { loadWorkerConfig, startWorkers } from '../src/index.js';
import { useCalendarQueue } from './support/worker-fixture.js';

/** Long and unlike any generated name: the message holds the calendar's slug, whose time part once read "…pw…". */
const PASSWORD = 'never-shown-Zq7-password';

describe('a calendar stored under another SECRET_KEY', () => {
  const { database, prefix, queue } = useCalendarQueue('secret');

  it('fails the job at once, permanently, naming the calendar and the fix', async () => {
    const user = await createUsersRepository(database.db).create({ name: uniqueName('secret') });
    const slug = uniqueName('secret-room');
    const calendar = await createCalendarsRepository(database.db, createSecretBox('the-first-start-key-0123456789')).create({
      slug, url: 'http://127.0.0.1:9/rooms/cal/', username: 'rooms', password: PASSWORD,
    });
    const workers = await startWorkers(
      loadWorkerConfig({
        DATABASE_URL: inject('databaseUrl'), REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: prefix,
        SECRET_KEY: 'the-second-start-key-987654321', LOG_LEVEL: 'silent',
      }),
    );
    try {
      const payload: CreateEventPayload = {
        calendarId: calendar.id, userId: user.id, uid: uniqueName('evt'), name: 'Unreadable',
        start: '2027-03-01T09:00:00.000Z', end: '2027-03-01T10:00:00.000Z', timeZone: 'UTC',
      };
      // Retries as the API would configure them: a transient failure would now sit in `delayed`.
      const job = await queue.add(CalendarJob.createEvent, payload, { attempts: 5, backoff: { type: 'exponential', delay: 60_000 } });
      let state = await job.getState();
      for (let i = 0; i < 200 && state !== 'failed' && state !== 'delayed'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        state = await job.getState();
      }
      expect(state).toBe('failed');
      const failed = (await queue.getJob(job.id!))!;
      expect(failed.attemptsMade).toBe(1);
      const { code, message } = parseJobError(failed.failedReason);
      expect(code).toBe('CREDENTIALS_UNREADABLE');
      expect(message).toContain(`calendar "${slug}"`);
      expect(message).toContain(`roombook calendar update --slug ${slug} --password-env`);
      expect(message).not.toContain(PASSWORD);
    } finally {
      await workers.close();
    }
  });
});
