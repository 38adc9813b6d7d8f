import { createDatabase, schema } from '@roombook/db';
import { CalendarJob, MirrorJob, QueueName, type CreateEventPayload, type RefreshCalendarPayload, type RefreshCalendarResult } from '@roombook/queue';
import { makeCalendar, uniqueName } from '@roombook/testing';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it } from 'vitest';

import { STORE_LIST_EVERY_MS } from '../src/handlers/refresh-calendar.js';
import { startWorkers } from '../src/worker.js';
import { seedCalendar, startPausingProxy, workerConfig } from './support/worker-fixture.js';

/**
 * The mirror queue in a running worker (issue 12): our own booking reaches the store's busy intervals
 * without waiting for the schedule (at once in a `reject` room, MIRROR_WRITE_DELAY_MS after it in an
 * `allow` room, the default here as in production), also when it lands while the refresh of an
 * earlier one is past its reads; a
 * `request` refresh answers how it asked the server, a scheduled one lists the calendar once an hour,
 * and every calendar gets its refresh scheduler.
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

  const busyOf = async (calendarId: number) =>
    (await database.db.select().from(schema.busyIntervals).where(eq(schema.busyIntervals.calendarId, calendarId)))
      .map((b) => [b.start.toISOString(), b.end.toISOString()])
      .sort(([a], [b]) => a!.localeCompare(b!));
  const book = async (calendarId: number, userId: number, daysAhead: number) => {
    const start = new Date(Date.now() + daysAhead * 86_400_000);
    start.setUTCHours(9, 0, 0, 0);
    const end = new Date(start.getTime() + 3_600_000);
    const data: CreateEventPayload = { calendarId, userId, uid: uniqueName('booking'), name: 'Planning', start: start.toISOString(), end: end.toISOString(), timeZone: 'UTC' };
    const job = await calendarQueue.add(CalendarJob.createEvent, data);
    await job.waitUntilFinished(calendarEvents, 30_000);
    return [start.toISOString(), end.toISOString()];
  };

  it('keeps a refresh scheduler per calendar', async () => {
    const schedulers = await mirrorQueue.getJobSchedulers();
    expect(schedulers.map((s) => s.key ?? s.id)).toContain(`mirror-refresh-${calendar.id}`);
  });

  it('a booking made through the queue shows in the busy intervals soon after, without a scheduled refresh', async () => {
    const booked = await book(calendar.id, user.id, 2);
    await expect.poll(() => busyOf(calendar.id), { timeout: 15_000 }).toEqual([booked]);
  });

  it('a requested refresh of an unchanged calendar says so', async () => {
    // The write's refresh done (the scheduler's next run waits, delayed, an hour away).
    await expect.poll(async () => await mirrorQueue.getJobCounts('waiting', 'active'), { timeout: 15_000 }).toEqual({ waiting: 0, active: 0 });
    const data: RefreshCalendarPayload = { calendarId: calendar.id, reason: 'request' };
    const job = await mirrorQueue.add(MirrorJob.refresh, data);
    const result = (await job.waitUntilFinished(mirrorEvents, 30_000)) as RefreshCalendarResult;
    expect(result).toMatchObject({ method: 'sync-token', unchanged: true, fetched: 0, removed: 0, objects: 1 });
  });

  it('a scheduled refresh lists the calendar once its last listing is an hour old; a requested one still syncs', async () => {
    await database.db.update(schema.calendars).set({ mirrorListedAt: new Date(Date.now() - STORE_LIST_EVERY_MS) }).where(eq(schema.calendars.id, calendar.id));
    const refresh = async (reason: RefreshCalendarPayload['reason']) =>
      (await (await mirrorQueue.add(MirrorJob.refresh, { calendarId: calendar.id, reason })).waitUntilFinished(mirrorEvents, 30_000)) as RefreshCalendarResult;
    expect(await refresh('request')).toMatchObject({ method: 'sync-token', unchanged: true });
    expect(await refresh('schedule')).toMatchObject({ method: 'etags', unchanged: true, objects: 1 });
    const [row] = await database.db.select({ listedAt: schema.calendars.mirrorListedAt }).from(schema.calendars).where(eq(schema.calendars.id, calendar.id));
    expect(Date.now() - row!.listedAt!.getTime()).toBeLessThan(60_000);
    expect(await refresh('schedule')).toMatchObject({ method: 'sync-token', unchanged: true });
  });

  it('a booking that lands while the refresh of an earlier one is past its reads gets a refresh after it', async () => {
    // The room through a proxy that can hold a refresh's answer from the server: armed, it holds
    // the first REPORT (the sync-collection or multiget that decides what the refresh fetches).
    let armed = false;
    let reached!: () => void;
    let release!: () => void;
    const atReport = new Promise<void>((resolve) => (reached = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    const proxy = await startPausingProxy(await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('mirror')), async (method) => {
      if (!armed || method !== 'REPORT') return;
      armed = false;
      reached();
      await released;
    });
    try {
      // `allow`: a booking is its PUT alone, so the only REPORT is the store refresh's.
      const seeded = await seedCalendar(inject('databaseUrl'), proxy.url, rooms!, { conflictPolicy: 'allow' });
      const first = await book(seeded.calendar.id, seeded.user.id, 2);
      await expect.poll(() => busyOf(seeded.calendar.id), { timeout: 15_000 }).toEqual([first]);

      armed = true;
      const second = await book(seeded.calendar.id, seeded.user.id, 3);
      await atReport;
      // The second booking's refresh is running, its view of the server taken; the third lands now.
      const third = await book(seeded.calendar.id, seeded.user.id, 4);
      const active = await mirrorQueue.getActive();
      expect(active.map((job) => (job.data as RefreshCalendarPayload).reason)).toEqual(['write']);
      release();
      await expect.poll(() => busyOf(seeded.calendar.id), { timeout: 15_000 }).toEqual([first, second, third]);
    } finally {
      release();
      await proxy.close();
    }
  });
});
