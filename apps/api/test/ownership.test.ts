import { createCalendarsRepository, createUsersRepository } from '@roombook/db';
import { futureDay, getObject, makeCalendar, putObject, uniqueName } from '@roombook/testing';
import type { RunningWorkers } from '@roombook/worker';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { bearer, buildTestApp, seedUser, startTestWorkers, type Fixture } from './helper.js';
import { day, event } from './ics.js';

describe('strict request bodies (no type coercion)', () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let alice: Fixture;
  let queue: Queue;
  let connection: Redis;

  beforeAll(async () => {
    ctx = await buildTestApp();
    alice = await seedUser(ctx.db);
    connection = new Redis(ctx.config.REDIS_URL);
    queue = new Queue('calendar', { connection, prefix: ctx.config.QUEUE_PREFIX });
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
    await ctx.app.close();
    await ctx.db.close();
  });

  // Valid in every field but the one under test, including a start that is not in the past.
  const day = futureDay();
  const good = { name: 'Standup', start: `${day}T10:00`, end: `${day}T10:30` };
  it.each([
    [{ ...good, name: ['x'] }, 'body.name'],
    [{ ...good, name: 42 }, 'body.name'],
    [{ ...good, prioritized: 'true' }, 'body.prioritized'],
    [{ ...good, prioritized: 1 }, 'body.prioritized'],
    [{ ...good, description: ['a', 'b'] }, 'body.description'],
    [{ ...good, start: [`${day}T10:00`] }, 'body.start'],
  ])('refuses %j with a 400 naming %s, and queues nothing', async (payload, field) => {
    const before = await queue.getJobCounts();
    const response = await ctx.app.inject({ method: 'POST', url: `/api/${alice.calendar.slug}/events`, headers: bearer(alice.token), payload });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ type: '/problems/validation' });
    expect(response.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await queue.getJobCounts()).toEqual(before);
  });

  it('keeps the documented query parsing (test=on is a dry run)', async () => {
    const response = await ctx.app.inject({ method: 'DELETE', url: `/api/clear-bookings?calendar=${alice.calendar.slug}&test=ON`, headers: bearer(alice.token) });
    expect(response.statusCode).toBe(202);
    expect((await queue.getJob(response.json().job.id))?.data).toMatchObject({ test: true });
  });
});

describe('booking ownership', () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let workers: RunningWorkers;
  let collection: string;
  let maker: Fixture;
  let other: { token: string };
  let manager: { token: string };
  let queue: Queue;
  let connection: Redis;
  const [rooms] = inject('radicaleUsers');

  /** Another user on maker's calendar, with or without the manage grant. */
  async function grantee(manage: boolean): Promise<{ token: string }> {
    const users = createUsersRepository(ctx.db.db);
    const user = await users.create({ name: uniqueName('user') });
    await createCalendarsRepository(ctx.db.db).grant(maker.calendar.slug, user.name, { manage });
    return { token: (await users.createKey({ userName: user.name })).token };
  }

  const slug = () => maker.calendar.slug;
  const book = async (who: { token: string }, name: string, hour: string) => {
    const d = day(20);
    const iso = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`;
    const response = await ctx.app.inject({
      method: 'POST',
      url: `/api/${slug()}/events`,
      headers: { ...bearer(who.token), prefer: 'wait=30' },
      payload: { name, start: `${iso}T${hour}:00`, end: `${iso}T${hour}:30` },
    });
    expect(response.statusCode).toBe(201);
    return response.json().id as string;
  };
  const cancel = (who: { token: string }, uid: string) =>
    ctx.app.inject({ method: 'DELETE', url: `/api/${slug()}/events/${uid}`, headers: { ...bearer(who.token), prefer: 'wait=30' } });
  const exists = async (uid: string, file = `${uid}.ics`) => (await getObject(new URL(file, collection).toString(), rooms!)) !== undefined;

  beforeAll(async () => {
    ctx = await buildTestApp();
    collection = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('owned'));
    maker = await seedUser(ctx.db, collection, { manage: false });
    other = await grantee(false);
    manager = await grantee(true);
    connection = new Redis(ctx.config.REDIS_URL);
    queue = new Queue('calendar', { connection, prefix: ctx.config.QUEUE_PREFIX });
    workers = await startTestWorkers(ctx.config);
  });
  afterAll(async () => {
    await workers.close();
    await queue.close();
    connection.disconnect();
    await ctx.app.close();
    await ctx.db.close();
  });

  it("lets only the maker and managers cancel a booking; anyone else gets 403 and nothing is queued", async () => {
    const mine = await book(maker, 'Mine', '09');
    const counts = await queue.getJobCounts();
    const refused = await cancel(other, mine);
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json()).toMatchObject({ type: '/problems/forbidden', status: 403 });
    expect(await queue.getJobCounts()).toEqual(counts);
    expect(await exists(mine)).toBe(true);
    expect((await cancel(maker, mine)).statusCode).toBe(204);
    expect(await exists(mine)).toBe(false);

    const again = await book(maker, 'Mine too', '10');
    expect((await cancel(manager, again)).statusCode).toBe(204);
    expect(await exists(again)).toBe(false);
  });

  it('lets only managers cancel events that other clients wrote', async () => {
    await putObject(collection, rooms!, 'foreign.ics', event({ uid: 'foreign-1', summary: 'Thunderbird', date: day(21), from: '0900', to: '1000', created: '20260101T080000Z' }));
    for (const who of [maker, other]) {
      const refused = await cancel(who, 'foreign-1');
      expect(refused.statusCode).toBe(403);
      expect(refused.json().detail).toMatch(/only managers/);
    }
    expect(await exists('foreign-1', 'foreign.ics')).toBe(true);
    expect((await cancel(manager, 'foreign-1')).statusCode).toBe(204);
    expect(await exists('foreign-1', 'foreign.ics')).toBe(false);
  });

  it('keeps the seed behaviour on an --open-delete calendar', async () => {
    const theirs = await book(maker, 'Open', '11');
    await createCalendarsRepository(ctx.db.db).update(slug(), { openDelete: true });
    try {
      expect((await cancel(other, theirs)).statusCode).toBe(204);
      expect(await exists(theirs)).toBe(false);
    } finally {
      await createCalendarsRepository(ctx.db.db).update(slug(), { openDelete: false });
    }
  });

  it('shows organizer addresses in clear reports to managers only', async () => {
    const d = day(22);
    await putObject(collection, rooms!, 'finance.ics', event({ uid: 'fin-1', summary: 'Finance', date: d, from: '1000', to: '1200', created: '20260101T080000Z', extra: ['ORGANIZER:mailto:head-of-finance@example.org'] }));
    await putObject(collection, rooms!, 'fundraising.ics', event({ uid: 'fund-1', summary: 'Fundraising', date: d, from: '1100', to: '1300', created: '20260301T080000Z', extra: ['ORGANIZER:mailto:head-of-fundraising@example.org'] }));
    const clear = (who: { token: string }) =>
      ctx.app.inject({ method: 'DELETE', url: `/api/clear-bookings?calendar=${slug()}&test=1`, headers: { ...bearer(who.token), prefer: 'wait=60' } });

    const hidden = await clear(maker);
    expect(hidden.statusCode).toBe(200);
    const item = hidden.json().deleted_overlapping_events.find((i: { event: { uid: string } }) => i.event.uid === 'fund-1');
    expect(item).toMatchObject({ event: { name: 'Fundraising', organizer: null }, overlaps_with: { name: 'Finance', organizer: null } });
    expect(hidden.body).not.toContain('@example.org');
    // The job view of the same clear hides them too.
    const accepted = await ctx.app.inject({ method: 'DELETE', url: `/api/clear-bookings?calendar=${slug()}&test=1`, headers: { ...bearer(maker.token), prefer: 'wait=60' } });
    expect(accepted.statusCode).toBe(200);
    const polled = await ctx.app.inject({ method: 'DELETE', url: `/api/clear-bookings?calendar=${slug()}&test=1`, headers: bearer(maker.token) });
    const jobUrl = polled.json().job.url as string;
    let view = await ctx.app.inject({ method: 'GET', url: jobUrl, headers: bearer(maker.token) });
    while (view.json().state !== 'completed') {
      await new Promise((r) => setTimeout(r, 100));
      view = await ctx.app.inject({ method: 'GET', url: jobUrl, headers: bearer(maker.token) });
    }
    expect(view.json().result.deleted_overlapping_events.length).toBeGreaterThan(0);
    expect(view.body).not.toContain('@example.org');

    const shown = await clear(manager);
    const managed = shown.json().deleted_overlapping_events.find((i: { event: { uid: string } }) => i.event.uid === 'fund-1');
    expect(managed).toMatchObject({ event: { organizer: 'head-of-fundraising@example.org' }, overlaps_with: { organizer: 'head-of-finance@example.org' } });
  });
});

describe('booking ownership before the worker has run', () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let maker: Fixture;
  let other: { token: string };
  let queue: Queue;
  let connection: Redis;
  let workers: RunningWorkers | undefined;

  beforeAll(async () => {
    ctx = await buildTestApp();
    // No CalDAV server behind this calendar: nothing can be written, and no worker runs at first.
    maker = await seedUser(ctx.db, undefined, { manage: false });
    const users = createUsersRepository(ctx.db.db);
    const user = await users.create({ name: uniqueName('user') });
    await createCalendarsRepository(ctx.db.db).grant(maker.calendar.slug, user.name, { manage: false });
    other = { token: (await users.createKey({ userName: user.name })).token };
    connection = new Redis(ctx.config.REDIS_URL);
    queue = new Queue('calendar', { connection, prefix: ctx.config.QUEUE_PREFIX });
  });
  afterAll(async () => {
    await workers?.close();
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
    await ctx.app.close();
    await ctx.db.close();
  });

  const book = async (hour: string) => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: `/api/${maker.calendar.slug}/events`,
      headers: bearer(maker.token),
      payload: { name: 'Pending', start: `${futureDay()}T${hour}:00`, end: `${futureDay()}T${hour}:30` },
    });
    expect(response.statusCode).toBe(202);
    return response.json().id as string;
  };
  const owner = (uid: string) => createCalendarsRepository(ctx.db.db).bookingOwner(maker.calendar.id, uid);

  it('lets the maker, and nobody else, cancel a booking whose create job has not run', async () => {
    const uid = await book('09');
    expect(await owner(uid)).toBeUndefined();
    const refused = await ctx.app.inject({ method: 'DELETE', url: `/api/${maker.calendar.slug}/events/${uid}`, headers: bearer(other.token) });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toMatch(/made by another user/);
    const cancelled = await ctx.app.inject({ method: 'DELETE', url: `/api/${maker.calendar.slug}/events/${uid}`, headers: bearer(maker.token) });
    expect(cancelled.statusCode).toBe(202);
    expect((await queue.getJob(cancelled.json().job.id))?.data).toMatchObject({ uid, userId: maker.user.id });
  });

  it('has the worker record the owner before its PUT: the row is there although the PUT failed', async () => {
    const uid = await book('10');
    workers = await startTestWorkers(ctx.config);
    const deadline = Date.now() + 20_000;
    let job = await queue.getJob(uid);
    while ((job?.attemptsMade ?? 0) === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      job = await queue.getJob(uid);
    }
    expect(job?.attemptsMade).toBeGreaterThan(0);
    expect(job?.failedReason).toMatch(/CALDAV_UNAVAILABLE|unavailable|ECONNREFUSED/i);
    expect(await owner(uid)).toBe(maker.user.id);
  });
});
