import { randomBytes } from 'node:crypto';

import { createAuditLogRepository, createDatabase, migrateDatabase } from '@roombook/db';
import { CalendarJob, QueueName, type CreateEventPayload, type DeleteEventPayload } from '@roombook/queue';
import { addDays, futureDay, getObject, icsEvent, makeCalendar, putObject, startPrivateCluster, uniqueName, type PrivateCluster } from '@roombook/testing';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { startWorkers, type RunningWorkers } from '../src/worker.js';
import { seedCalendar, workerConfig } from './support/worker-fixture.js';

/**
 * PostgreSQL (a private cluster) goes away for a few seconds, shorter than the jobs' retry
 * budget: jobs that need it fail, retry with backoff, and complete once it is back.
 */
describe('a PostgreSQL outage shorter than the retry budget', () => {
  let cluster: PrivateCluster;
  let workers: RunningWorkers;
  let queue: Queue;
  const connection = new Redis(inject('redisUrl'));
  const prefix = `${inject('runId')}-pgdown-${randomBytes(3).toString('hex')}`;
  const [rooms] = inject('radicaleUsers');
  let databaseUrl: string;

  beforeAll(async () => {
    cluster = await startPrivateCluster();
    databaseUrl = cluster.urlFor('roombook_outage');
    await migrateDatabase(databaseUrl);
    queue = new Queue(QueueName.calendar, { connection, prefix });
    workers = await startWorkers(workerConfig(prefix, { DATABASE_URL: databaseUrl }));
  }, 120_000);
  afterAll(async () => {
    await workers?.close();
    await queue?.obliterate({ force: true });
    await queue?.close();
    connection.disconnect();
    await cluster?.stop();
  });

  it('retries the jobs that met the outage, and they complete once PostgreSQL is back', async () => {
    const collection = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('pgdown'));
    const { calendar, user } = await seedCalendar(databaseUrl, collection, rooms!);
    // Days ahead of today (bookings are never in the past): the existing event on the third, one booking on each.
    const first = futureDay(undefined, 'UTC');
    const start = new Date(`${addDays(first, 2)}T09:00:00Z`);
    const existing = await putObject(collection, rooms!, 'existing.ics', icsEvent({ uid: 'existing-1', start, end: new Date(start.getTime() + 3_600_000) }));

    await cluster.kill();
    const retries = { attempts: 8, backoff: { type: 'exponential', delay: 250 } };
    const jobs: Job[] = [];
    for (const n of [1, 2, 3]) {
      const payload: CreateEventPayload = {
        calendarId: calendar.id, userId: user.id, uid: `during-outage-${n}`, name: `During outage ${n}`,
        start: `${addDays(first, n - 1)}T12:00:00.000Z`, end: `${addDays(first, n - 1)}T13:00:00.000Z`, timeZone: 'UTC',
      };
      jobs.push(await queue.add(CalendarJob.createEvent, payload, retries));
    }
    const deletion: DeleteEventPayload = { calendarId: calendar.id, userId: user.id, uid: 'existing-1' };
    jobs.push(await queue.add(CalendarJob.deleteEvent, deletion, retries));

    // every job has met the outage at least once (up to a minute: the create jobs share one
    // calendar, and each that finds it locked by another's failing attempt is parked, for longer
    // each time; on a loaded machine 30 s was not always enough)
    for (let i = 0; i < 1200; i++) {
      const fresh = await Promise.all(jobs.map((job) => queue.getJob(job.id!)));
      if (fresh.every((job) => (job?.attemptsMade ?? 0) >= 1)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const job of jobs) expect(((await queue.getJob(job.id!)) as Job).attemptsMade).toBeGreaterThanOrEqual(1);
    await cluster.start();

    for (const job of jobs) {
      for (let i = 0; i < 600 && !['completed', 'failed'].includes(await job.getState()); i++) await new Promise((r) => setTimeout(r, 50));
      const done = (await queue.getJob(job.id!)) as Job;
      expect({ name: done.name, state: await done.getState(), reason: done.failedReason ?? null }).toEqual({ name: done.name, state: 'completed', reason: expect.any(String) });
      expect(done.attemptsMade).toBeGreaterThanOrEqual(2);
      expect(done.attemptsMade).toBeLessThan(retries.attempts);
    }
    for (const n of [1, 2, 3]) expect(await getObject(new URL(`during-outage-${n}.ics`, collection).href, rooms!)).toContain(`UID:during-outage-${n}`);
    expect(await getObject(existing, rooms!)).toBeUndefined();
    const database = createDatabase(databaseUrl, { max: 1 });
    try {
      const entries = await createAuditLogRepository(database.db).list({ calendarId: calendar.id });
      expect(entries.map((e) => [e.uid, e.action])).toEqual([['existing-1', 'deleted']]);
    } finally {
      await database.close();
    }
  }, 120_000);
});
