import { randomBytes } from 'node:crypto';

import { createAuditLogRepository, createDatabase } from '@roombook/db';
import { CalendarJob, QueueName, type ClearCalendarPayload, type CreateEventPayload } from '@roombook/queue';
import { futureDay, getObject, icsEvent, makeCalendar, putObject, uniqueName } from '@roombook/testing';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';

import { startWorkers } from '../src/worker.js';
import { seedCalendar, startPausingProxy, workerConfig } from './support/worker-fixture.js';

async function until(check: () => Promise<boolean>, what: string, tries = 600, everyMs = 50): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The per-calendar lock as jobs see it, with real BullMQ workers, Redis and Radicale. */
describe('calendar lock in jobs', () => {
  const connection = new Redis(inject('redisUrl'));
  const [rooms] = inject('radicaleUsers');
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    connection.disconnect();
  });

  async function setUp(concurrency: number) {
    const prefix = `${inject('runId')}-lockjobs-${randomBytes(3).toString('hex')}`;
    const queue = new Queue(QueueName.calendar, { connection, prefix });
    const workers = await startWorkers(workerConfig(prefix, { WORKER_CONCURRENCY: String(concurrency) }));
    cleanups.push(async () => {
      await workers.close();
      await queue.obliterate({ force: true });
      await queue.close();
    });
    return { prefix, queue };
  }

  // A day ahead of today: a booking is never in the past.
  const day = futureDay(undefined, 'UTC');
  const booking = (calendarId: number, userId: number, uid: string): CreateEventPayload => ({
    calendarId, userId, uid, name: uid, start: `${day}T09:00:00.000Z`, end: `${day}T10:00:00.000Z`, timeZone: 'UTC',
  });

  /** Holds `key` as a short holder would for `heldMs`, books `uid` behind it and returns the job once it completed. */
  async function bookBehind(queue: Queue, key: string, heldMs: number, room: { calendar: { id: number }; user: { id: number } }, uid: string): Promise<Job> {
    await connection.set(key, 'a-short-holder', 'PX', 60_000);
    setTimeout(() => void connection.del(key), heldMs);
    const job = await queue.add(CalendarJob.createEvent, booking(room.calendar.id, room.user.id, uid), { attempts: 2 });
    await until(async () => (await job.getState()) === 'completed', `the booking ${uid}`, 200, 25);
    return (await queue.getJob(job.id!)) as Job;
  }

  it('parks a job whose calendar is busy instead of holding the worker slot, and runs it once the calendar is free', async () => {
    const { prefix, queue } = await setUp(1);
    const busyUrl = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('busy'));
    const freeUrl = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('free'));
    const busy = await seedCalendar(inject('databaseUrl'), busyUrl, rooms!);
    const free = await seedCalendar(inject('databaseUrl'), freeUrl, rooms!);
    const lockKey = `${prefix}:lock:calendar:${busy.calendar.id}`;
    await connection.set(lockKey, 'another-worker', 'PX', 120_000);

    const waiting = await queue.add(CalendarJob.createEvent, booking(busy.calendar.id, busy.user.id, 'parked-1'), { attempts: 2 });
    await until(async () => (await waiting.getState()) === 'delayed', 'the job to be parked');
    // One worker slot only: this job can finish only because the parked one does not occupy it.
    const other = await queue.add(CalendarJob.createEvent, booking(free.calendar.id, free.user.id, 'other-1'), { attempts: 2 });
    await until(async () => (await other.getState()) === 'completed', 'the other calendar\'s job');
    // still parked (between two looks at the lock it may briefly be active, never finished)
    expect(['delayed', 'waiting', 'prioritized', 'active']).toContain(await waiting.getState());
    expect(await getObject(new URL('parked-1.ics', busyUrl).href, rooms!)).toBeUndefined();

    await connection.del(lockKey);
    await until(async () => (await waiting.getState()) === 'completed', 'the parked job after the calendar freed');
    const done = (await queue.getJob(waiting.id!)) as Job;
    // Waiting is not failing: the one real attempt is the only one counted, so retries stay intact.
    expect(done.attemptsMade).toBe(1);
    expect(done.attemptsStarted).toBeGreaterThan(1);
    expect(done.returnvalue).toMatchObject({ id: 'parked-1', alreadyExisted: false });
    expect(await getObject(new URL('parked-1.ics', busyUrl).href, rooms!)).toContain('UID:parked-1');
  });

  it('waits in its slot for a booking ahead of it in the same room instead of being parked', async () => {
    const { prefix, queue } = await setUp(1);
    const roomUrl = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('behind'));
    const room = await seedCalendar(inject('databaseUrl'), roomUrl, rooms!);
    const lockKey = `${prefix}:lock:calendar:${room.calendar.id}`;
    // Held as a booking holds it (tens of ms; here 120): the job looks again and goes on in its slot.
    const done = await bookBehind(queue, lockKey, 120, room, 'behind-1');
    expect(done.attemptsStarted).toBe(1);
    expect(done.finishedOn! - done.processedOn!).toBeGreaterThanOrEqual(100);
    expect(await getObject(new URL('behind-1.ics', roomUrl).href, rooms!)).toContain('UID:behind-1');
  });

  it("waits for its room's store refresh instead of being parked, and is parked when the refresh runs long", async () => {
    const { prefix, queue } = await setUp(1);
    const roomUrl = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('refreshing'));
    // The default policy (reject): the booking refreshes the store under its lock before its conflict check.
    const room = await seedCalendar(inject('databaseUrl'), roomUrl, rooms!);
    const storeKey = `${prefix}:mirror:lock:calendar:${room.calendar.id}`;

    // A short holder (the refresh a previous booking queued): the job waits in its slot and goes on.
    const shortDone = await bookBehind(queue, storeKey, 300, room, 'after-refresh');
    expect(shortDone.attemptsStarted).toBe(1);
    expect(shortDone.finishedOn! - shortDone.processedOn!).toBeGreaterThanOrEqual(250);
    expect(await getObject(new URL('after-refresh.ics', roomUrl).href, rooms!)).toContain('UID:after-refresh');

    // A long holder (a first refresh of a busy room): after a second of looking, the job is parked.
    await connection.set(storeKey, 'a-long-refresh', 'PX', 60_000);
    const later = { ...booking(room.calendar.id, room.user.id, 'after-long-refresh'), start: `${day}T11:00:00.000Z`, end: `${day}T12:00:00.000Z` };
    const long = await queue.add(CalendarJob.createEvent, later, { attempts: 2 });
    await until(async () => (await long.getState()) === 'delayed', 'the booking to be parked', 200, 25);
    expect(await getObject(new URL('after-long-refresh.ics', roomUrl).href, rooms!)).toBeUndefined();
    await connection.del(storeKey);
    await until(async () => (await long.getState()) === 'completed', 'the parked booking after the refresh');
    const longDone = (await queue.getJob(long.id!)) as Job;
    expect(longDone.attemptsStarted).toBeGreaterThan(1);
    expect(longDone.attemptsMade).toBe(1);
    expect(await getObject(new URL('after-long-refresh.ics', roomUrl).href, rooms!)).toContain('UID:after-long-refresh');
  });

  it('stops a clear whose lease was taken over before its next write; the job retries and finishes the work', async () => {
    const { prefix, queue } = await setUp(2);
    const collection = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('stolen'));
    const start = new Date(Date.now() + 4 * 86_400_000);
    start.setUTCHours(9, 0, 0, 0);
    const at = (h: number) => new Date(start.getTime() + h * 3_600_000);
    // same DTSTAMP, no CREATED: UIDs decide; "a-winner" keeps the room, three losers go
    await putObject(collection, rooms!, 'winner.ics', icsEvent({ uid: 'a-winner', start, end: at(4) }));
    for (const n of [1, 2, 3]) await putObject(collection, rooms!, `loser-${n}.ics`, icsEvent({ uid: `b-loser-${n}`, start: at(n - 1), end: at(n) }));

    let lockKey = '';
    const events: string[] = [];
    let stolen = false;
    let released = false;
    const proxy = await startPausingProxy(collection, async (method) => {
      if (method === 'DELETE' || method === 'PUT') events.push(`${method}${stolen && !released ? ' while stolen' : ''}`);
      if (method === 'DELETE' && !stolen) {
        // The first deletion is done on the server; before the worker hears back, another
        // worker takes over the calendar (the lease expired during a pause, a Redis failover…).
        stolen = true;
        await connection.set(lockKey, 'another-worker', 'PX', 120_000);
      }
    });
    cleanups.push(proxy.close);
    const { calendar, user } = await seedCalendar(inject('databaseUrl'), proxy.url, rooms!);
    lockKey = `${prefix}:lock:calendar:${calendar.id}`;

    const payload: ClearCalendarPayload = { calendarId: calendar.id, userId: user.id, test: false, trigger: 'api' };
    const job = await queue.add(CalendarJob.clearCalendar, payload, { attempts: 4, backoff: { type: 'fixed', delay: 100 } });
    await until(async () => ((await queue.getJob(job.id!)) as Job).attemptsMade >= 1, 'the clear to fail its first attempt');
    const failed = (await queue.getJob(job.id!)) as Job;
    expect(failed.failedReason).toMatch(/^\[CONFLICT\] calendar \d+: lock lease lost/);
    expect(events).toEqual(['DELETE']);

    released = true;
    await connection.del(lockKey); // the other worker is done
    await until(async () => (await job.getState()) === 'completed', 'the clear to complete on retry');
    expect(events).toEqual(['DELETE', 'DELETE', 'DELETE']);
    const remaining = await Promise.all(['winner', 'loser-1', 'loser-2', 'loser-3'].map((f) => getObject(new URL(`${f}.ics`, collection).href, rooms!)));
    expect(remaining.map((ics) => ics !== undefined)).toEqual([true, false, false, false]);
    // every removal has its audit copy, once
    const database = createDatabase(inject('databaseUrl'), { max: 1 });
    try {
      const entries = await createAuditLogRepository(database.db).list({ calendarId: calendar.id });
      expect(entries.map((e) => e.uid).sort()).toEqual(['b-loser-1', 'b-loser-2', 'b-loser-3']);
    } finally {
      await database.close();
    }
  });
});
