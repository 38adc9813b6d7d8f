import { createUsersRepository } from '@roombook/db';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { futureDay, wallClockIso } from '@roombook/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { bearer, buildTestApp, seedUser, testConfig, type Fixture } from './helper.js';

// Bookings may not start in the past (issue 11): book on a day ahead of today, whatever today is.
const day = futureDay();

describe('API without a worker', () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let alice: Fixture;
  let bob: Fixture;
  let queue: Queue;
  let connection: Redis;

  beforeAll(async () => {
    ctx = await buildTestApp();
    alice = await seedUser(ctx.db);
    bob = await seedUser(ctx.db);
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

  const post = (fixture: Fixture, body: unknown, headers: Record<string, string> = {}, path = 'events') =>
    ctx.app.inject({
      method: 'POST',
      url: `/api/${fixture.calendar.slug}/${path}`,
      headers: { ...bearer(fixture.token), ...headers },
      payload: body as object,
    });

  it('enqueues a booking and answers 202 with the event id and job', async () => {
    const response = await post(alice, { name: 'Standup', start: `${day}T10:00`, end: `${day}T10:30` });
    expect(response.statusCode).toBe(202);
    const body = response.json();
    expect(body.id).toMatch(/^[1-9A-HJ-NP-Za-km-z]{22}$/);
    expect(response.headers.location).toBe(body.job.url);
    const job = await queue.getJob(body.job.id);
    expect(job?.name).toBe('create-event');
    // naive time is read in the calendar's zone, Europe/Berlin (10:00 CET = 09:00Z, 10:00 CEST = 08:00Z)
    expect(job?.data).toMatchObject({
      uid: body.id,
      name: 'Standup',
      start: wallClockIso(day, '10:00', 'Europe/Berlin'),
      end: wallClockIso(day, '10:30', 'Europe/Berlin'),
      timeZone: 'Europe/Berlin',
      calendarId: alice.calendar.id,
      userId: alice.user.id,
    });
  });

  it('accepts offsets, the /event alias and a trailing slash', async () => {
    const response = await post(
      alice,
      { name: 'Offset', start: `${day}T10:00:00+02:00`, end: `${day}T11:00:00Z` },
      {},
      'event/',
    );
    expect(response.statusCode).toBe(202);
    const job = await queue.getJob(response.json().job.id);
    expect(job?.data.start).toBe(`${day}T08:00:00.000Z`);
    expect(job?.data.end).toBe(`${day}T11:00:00.000Z`);
  });

  it('follows the job for its owner only', async () => {
    const created = (await post(alice, { name: 'Mine', start: `${day}T10:00`, end: `${day}T11:00` })).json();
    const own = await ctx.app.inject({ url: created.job.url, headers: bearer(alice.token) });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ id: created.job.id, type: 'create-event', state: 'waiting', attempts: 0, error: null });
    const other = await ctx.app.inject({ url: created.job.url, headers: bearer(bob.token) });
    expect(other.statusCode).toBe(404);
    expect(other.headers['content-type']).toContain('application/problem+json');
  });

  it.each([
    [{ start: `${day}T10:00`, end: `${day}T11:00` }, 'body.name'],
    [{ name: 'x', start: 'tomorrow', end: `${day}T11:00` }, 'body.start'],
    [{ name: 'x', start: `${day}T11:00`, end: `${day}T11:00` }, 'body.end'],
    [{ name: 'x', start: `${day}T12:00`, end: `${day}T11:00` }, 'body.end'],
    [{ name: 'x', start: '2026-02-30T10:00', end: '2026-03-01T11:00' }, 'body.start'],
    [{ name: 'x', start: `${day}T10:00`, end: `${day}T11:00`, timezone: 'Mars/Base' }, 'body.timezone'],
    [{ name: 'x', start: `${day}T10:00`, end: `${day}T11:00`, organizer: 'not-an-email' }, 'body.organizer'],
    [{ name: 'x', start: `${day}T10:00`, end: `${day}T11:00`, colour: 'red' }, 'body'],
  ])('refuses %j with a 400 naming %s and enqueues nothing', async (body, field) => {
    const before = await queue.getJobCounts();
    const response = await post(alice, body);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const problem = response.json();
    expect(problem).toMatchObject({ type: '/problems/validation', status: 400 });
    expect(problem.errors.map((e: { field: string }) => e.field).join(' ')).toContain(field);
    expect(await queue.getJobCounts()).toEqual(before);
  });

  it('books prioritized events only with a key allowed to (403 otherwise, nothing enqueued)', async () => {
    const body = { name: 'Board', start: `${day}T10:00`, end: `${day}T11:00`, prioritized: true };
    const before = await queue.getJobCounts();
    const refused = await post(alice, body);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ type: '/problems/forbidden', status: 403 });
    expect(await queue.getJobCounts()).toEqual(before);

    const { token } = await createUsersRepository(ctx.db.db).createKey({ userName: alice.user.name, canPrioritize: true });
    const allowed = await post({ ...alice, token }, body);
    expect(allowed.statusCode).toBe(202);
    expect((await queue.getJob(allowed.json().job.id))?.data).toMatchObject({ prioritized: true });
  });

  it('refuses a missing, malformed or revoked key with 401', async () => {
    const url = `/api/${alice.calendar.slug}/events`;
    const body = { name: 'x', start: `${day}T10:00`, end: `${day}T11:00` };
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: 'Basic abc' }]) {
      const response = await ctx.app.inject({ method: 'POST', url, headers, payload: body });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ status: 401, type: '/problems/unauthorized' });
    }
  });

  it("answers 404 for another user's calendar, on create and delete", async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: `/api/${bob.calendar.slug}/events`,
      headers: bearer(alice.token),
      payload: { name: 'x', start: `${day}T10:00`, end: `${day}T11:00` },
    });
    expect(response.statusCode).toBe(404);
    const del = await ctx.app.inject({ method: 'DELETE', url: `/api/${bob.calendar.slug}/events/abc`, headers: bearer(alice.token) });
    expect(del.statusCode).toBe(404);
  });

  it('replays an Idempotency-Key and refuses it with another body', async () => {
    const body = { name: 'Once', start: `${day}T10:00`, end: `${day}T11:00` };
    const first = await post(alice, body, { 'idempotency-key': 'key-1' });
    const second = await post(alice, body, { 'idempotency-key': 'key-1' });
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(202);
    expect(second.json()).toEqual(first.json());
    const other = await post(alice, { ...body, name: 'Twice' }, { 'idempotency-key': 'key-1' });
    expect(other.statusCode).toBe(422);
    // keys are per user: bob may use the same key for his own request
    const bobs = await post(bob, body, { 'idempotency-key': 'key-1' });
    expect(bobs.statusCode).toBe(202);
    expect(bobs.json().id).not.toBe(first.json().id);
  });

  it('answers 202 when Prefer: wait elapses before a worker takes the job', async () => {
    const response = await post(alice, { name: 'Wait', start: `${day}T10:00`, end: `${day}T11:00` }, { prefer: 'wait=1' });
    expect(response.statusCode).toBe(202);
    expect(response.headers['preference-applied']).toBe('wait=1');
  });

  it('lists only the caller\'s calendars', async () => {
    const response = await ctx.app.inject({ url: '/api/calendars', headers: bearer(alice.token) });
    expect(response.json()).toEqual({
      calendars: [
        {
          slug: alice.calendar.slug,
          name: alice.calendar.slug,
          time_zone: 'Europe/Berlin',
          conflicts: 'reject',
          series_max_conflicts: 0,
          rules: { max_days_ahead: null, min_minutes: null, max_minutes: null, opening_hours: null },
          capacity: null,
          features: [],
          location: null,
        },
      ],
    });
  });

  it('enqueues a delete job, also with the seed curl example\'s empty JSON body', async () => {
    const response = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/${alice.calendar.slug}/event/someuid`,
      headers: { ...bearer(alice.token), 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(202);
    const job = await queue.getJob(response.json().job.id);
    expect(job?.name).toBe('delete-event');
    expect(job?.data).toMatchObject({ uid: 'someuid', calendarId: alice.calendar.id });
  });

  it('serves the OpenAPI document, docs, health and readiness', async () => {
    const spec = (await ctx.app.inject({ url: '/api/openapi.json' })).json();
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/{calendar}/events', '/api/{calendar}/events/{id}', '/api/jobs/{jobId}', '/api/calendars']));
    expect((await ctx.app.inject({ url: '/api/docs' })).statusCode).toBeLessThan(400);
    expect((await ctx.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await ctx.app.inject({ url: '/readyz' })).json()).toMatchObject({ status: 'ready' });
  });

  it('guards Bull Board with the admin credentials', async () => {
    expect((await ctx.app.inject({ url: '/admin/queues' })).statusCode).toBe(401);
    const wrong = 'Basic ' + Buffer.from('admin:wrong').toString('base64');
    expect((await ctx.app.inject({ url: '/admin/queues', headers: { authorization: wrong } })).statusCode).toBe(401);
    const right = 'Basic ' + Buffer.from('admin:admin-token-for-tests').toString('base64');
    const ok = await ctx.app.inject({ url: '/admin/queues', headers: { authorization: right } });
    expect(ok.statusCode).toBe(200);
    const queues = await ctx.app.inject({ url: '/admin/queues/api/queues', headers: { authorization: right } });
    expect(queues.json().queues.map((q: { name: string }) => q.name)).toEqual(['calendar', 'mail', 'mirror', 'webhook']);
  });
});

describe('API edge cases: malformed input, dependencies down', () => {
  it('refuses malformed JSON with a problem document', async () => {
    const { app, db } = await buildTestApp();
    const fixture = await seedUser(db);
    const response = await app.inject({
      method: 'POST',
      url: `/api/${fixture.calendar.slug}/events`,
      headers: { ...bearer(fixture.token), 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    await app.close();
    await db.close();
  });

  it('answers 503 quickly when Redis is unreachable', async () => {
    const { app, db } = await buildTestApp(testConfig({ REDIS_URL: 'redis://127.0.0.1:1' }));
    const fixture = await seedUser(db);
    const started = Date.now();
    const response = await app.inject({
      method: 'POST',
      url: `/api/${fixture.calendar.slug}/events`,
      headers: bearer(fixture.token),
      payload: { name: 'x', start: `${day}T10:00`, end: `${day}T11:00` },
    });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ type: '/problems/unavailable', status: 503 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(503);
    await app.close();
    await db.close();
  });

  it('answers 503 when PostgreSQL is unreachable', async () => {
    const { app, db } = await buildTestApp(testConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' }));
    const response = await app.inject({ url: '/api/calendars', headers: bearer('rbk_whatever') });
    expect(response.statusCode).toBe(503);
    await app.close();
    await db.close();
  });
});
