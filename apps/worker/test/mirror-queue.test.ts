import { createDatabase, schema } from '@roombook/db';
import { CalendarJob, MirrorJob, QueueName, type CreateEventPayload, type RefreshCalendarPayload, type RefreshCalendarResult } from '@roombook/queue';
import { makeCalendar, uniqueName } from '@roombook/testing';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it } from 'vitest';

import { startWorkers } from '../src/worker.js';
import { seedCalendar, workerConfig } from './support/worker-fixture.js';

/**
 * The mirror queue in a running worker (issue 12): our own booking reaches the store's busy intervals
 * without waiting for the schedule, a `request` refresh answers how it asked the server, and every
 * calendar gets its refresh scheduler.
 */
describe('mirror queue (real worker, Radicale, PostgreSQL, Redis)', async () => {
  const [rooms] = inject('radicaleUsers');
  const prefix = uniqueName('mirror');
  const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  const eventsConnection = redis.duplicate();
  const calendarQueue = new Queue(QueueName.calendar, { connection: redis, prefix });
  const mirrorQueue = new Queue(QueueName.mirror, { connection: redis, prefix });
  const calendarEvents = new QueueEvents(QueueName.calendar, { connection: eventsConnection, prefix });
  const mirrorEvents = new QueueEvents(QueueName.mirror, { connection: eventsConnection.duplicate(), prefix });
  const database = createDatabase(inject('databaseUrl'), { max: 1 });
  const url = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('mirror'));
  const { user, calendar } = await seedCalendar(inject('databaseUrl'), url, rooms!);
  // A long schedule: what reaches the store here comes from the write signal or the explicit request.
  const workers = await startWorkers(workerConfig(prefix, { MIRROR_REFRESH_SECONDS: '3600' }));
  await Promise.all([calendarEvents.waitUntilReady(), mirrorEvents.waitUntilReady()]);

  afterAll(async () => {
    await workers.close();
    await Promise.all([calendarEvents.close(), mirrorEvents.close(), calendarQueue.close(), mirrorQueue.close()]);
    for (const queue of [QueueName.calendar, QueueName.mirror]) await new Queue(queue, { connection: redis, prefix }).obliterate({ force: true }).catch(() => {});
    eventsConnection.disconnect();
    redis.disconnect();
    await database.close();
  });

  const busy = () => database.db.select().from(schema.busyIntervals).where(eq(schema.busyIntervals.calendarId, calendar.id));

  it('keeps a refresh scheduler per calendar', async () => {
    const schedulers = await mirrorQueue.getJobSchedulers();
    expect(schedulers.map((s) => s.key ?? s.id)).toContain(`mirror-refresh-${calendar.id}`);
  });

  it('a booking made through the queue shows in the busy intervals soon after, without a scheduled refresh', async () => {
    const start = new Date(Date.now() + 2 * 86_400_000);
    start.setUTCHours(9, 0, 0, 0);
    const end = new Date(start.getTime() + 3_600_000);
    const data: CreateEventPayload = { calendarId: calendar.id, userId: user.id, uid: uniqueName('booking'), name: 'Planning', start: start.toISOString(), end: end.toISOString(), timeZone: 'UTC' };
    const job = await calendarQueue.add(CalendarJob.createEvent, data);
    await job.waitUntilFinished(calendarEvents, 30_000);
    await expect.poll(async () => (await busy()).map((b) => [b.start.toISOString(), b.end.toISOString()]), { timeout: 15_000 }).toEqual([
      [start.toISOString(), end.toISOString()],
    ]);
  });

  it('a requested refresh of an unchanged calendar says so', async () => {
    // The write's refresh done (the scheduler's next run waits, delayed, an hour away).
    await expect.poll(async () => await mirrorQueue.getJobCounts('waiting', 'active'), { timeout: 15_000 }).toEqual({ waiting: 0, active: 0 });
    const data: RefreshCalendarPayload = { calendarId: calendar.id, reason: 'request' };
    const job = await mirrorQueue.add(MirrorJob.refresh, data);
    const result = (await job.waitUntilFinished(mirrorEvents, 30_000)) as RefreshCalendarResult;
    expect(result).toMatchObject({ method: 'sync-token', unchanged: true, fetched: 0, removed: 0, objects: 1 });
  });
});
