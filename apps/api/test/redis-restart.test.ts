import { createCalDavClient } from '@roombook/caldav';
import { addDays, futureDay, makeCalendar, startPrivateRedis, uniqueName, type PrivateRedis } from '@roombook/testing';
import type { RunningWorkers } from '@roombook/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { bearer, buildTestApp, seedUser, startTestWorkers, testConfig, type Fixture } from './helper.js';

const ADMIN = 'Basic ' + Buffer.from('admin:admin-token-for-tests').toString('base64');

/**
 * Redis dies (kill -9) while bookings are queued and being processed, and comes back with its
 * append-only file. The API must answer 503 problem+json meanwhile, never 500, and every booking
 * it accepted (202) must end up on the CalDAV server exactly once.
 */
describe('a Redis restart while bookings are processed', () => {
  let redis: PrivateRedis;
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let workers: RunningWorkers;
  let room: Fixture;
  let collection: string;
  const [rooms] = inject('radicaleUsers');

  beforeAll(async () => {
    redis = await startPrivateRedis();
    ctx = await buildTestApp(testConfig({ REDIS_URL: redis.url }));
    collection = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('redis-restart'));
    room = await seedUser(ctx.db, collection);
    // A short claim: when Redis dies between handing a job out (moveToActive, kept by its append-only
    // file) and its answer reaching the worker, the job sits active and unclaimed until its claim
    // runs out (JOB_LOCK_MS, default 60 s) and the stalled-job check hands it out again. With the
    // default that took longer than this test waits (seen in 1 of ~5 runs: the booking arrived late).
    workers = await startTestWorkers(ctx.config, { CALDAV_TIMEOUT_MS: '5000', JOB_LOCK_MS: '5000' });
  });
  afterAll(async () => {
    await workers.close();
    await ctx.app.close();
    await ctx.db.close();
    await redis.stop();
  });

  it('answers 503 while Redis is down and loses or doubles no accepted booking', async () => {
    const accepted: string[] = [];
    let unavailable = 0;
    // Ten half-hour bookings a day from a day ahead of today (none in the past, none clashing), in
    // daytime hours so that no day's times fall into a DST switch's missing hour.
    const first = futureDay();
    const book = async (n: number) => {
      const day = addDays(first, Math.floor(n / 10));
      const hour = String(8 + (n % 10)).padStart(2, '0');
      const response = await ctx.app.inject({
        method: 'POST', url: `/api/${room.calendar.slug}/events`, headers: bearer(room.token),
        payload: { name: `Booking ${n}`, start: `${day}T${hour}:00`, end: `${day}T${hour}:30` },
      });
      expect([202, 503]).toContain(response.statusCode);
      if (response.statusCode === 202) accepted.push(response.json().id);
      else {
        expect(response.headers['content-type']).toContain('application/problem+json');
        expect(response.json()).toMatchObject({ type: '/problems/unavailable', status: 503 });
        unavailable++;
      }
      return response.statusCode;
    };

    for (let n = 0; n < 12; n++) expect(await book(n)).toBe(202);
    // Some of these are still queued or running now.
    await redis.kill();

    for (let n = 12; n < 16; n++) expect(await book(n)).toBe(503);
    for (const request of [
      { method: 'GET' as const, url: '/readyz', headers: {} },
      { method: 'GET' as const, url: '/metrics', headers: { authorization: ADMIN } },
      { method: 'GET' as const, url: `/api/jobs/1`, headers: bearer(room.token) },
      { method: 'DELETE' as const, url: `/api/${room.calendar.slug}/events/${accepted[0]}`, headers: bearer(room.token) },
      { method: 'DELETE' as const, url: `/api/clear-bookings?calendar=${room.calendar.slug}`, headers: bearer(room.token) },
    ]) {
      const response = await ctx.app.inject(request);
      expect({ url: request.url, status: response.statusCode }).toEqual({ url: request.url, status: 503 });
      expect(response.headers['content-type']).toContain('application/problem+json');
    }

    await redis.start();
    for (let i = 0; i < 200 && (await ctx.app.inject({ url: '/readyz' })).statusCode !== 200; i++) await new Promise((r) => setTimeout(r, 50));
    for (let n = 16; n < 24; n++) await book(n);
    expect(accepted.length).toBeGreaterThanOrEqual(12);
    expect(unavailable).toBeGreaterThanOrEqual(4);

    // Every accepted booking is on the server exactly once, and nothing else is.
    const client = createCalDavClient({ url: collection, username: rooms!.username, password: rooms!.password });
    const uidsOnServer = async () =>
      (await client.fetchObjects()).map((o) => /^UID:(.+)$/m.exec(o.data)?.[1]?.trim() ?? '?').sort();
    let uids: string[] = [];
    for (let i = 0; i < 600; i++) {
      uids = await uidsOnServer();
      if (uids.length >= accepted.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(uids).toEqual([...accepted].sort());
  }, 120_000);
});
