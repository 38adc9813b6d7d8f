import { createUsersRepository } from '@roombook/db';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { futureDay } from '@roombook/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp } from '../src/app.js';
import { bearer, buildTestApp, seedUser, testConfig, type Fixture } from './helper.js';

describe('rate limits (Redis-backed, shared by API processes)', () => {
  const config = testConfig({
    RATE_LIMIT_JOBS_MAX: '3',
    RATE_LIMIT_JOBS_WINDOW_SECONDS: '600',
    RATE_LIMIT_AUTH_FAILURES_MAX: '3',
    RATE_LIMIT_AUTH_WINDOW_SECONDS: '600',
    RATE_LIMIT_WAITS_MAX: '1',
  });
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let second: Awaited<ReturnType<typeof buildApp>>;
  let alice: Fixture;
  let queue: Queue;
  let connection: Redis;

  beforeAll(async () => {
    ctx = await buildTestApp(config);
    second = await buildApp(config);
    await second.ready();
    alice = await seedUser(ctx.db);
    connection = new Redis(config.REDIS_URL);
    queue = new Queue('calendar', { connection, prefix: config.QUEUE_PREFIX });
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
    await second.close();
    await ctx.app.close();
    await ctx.db.close();
  });

  // A day ahead: a booking in the past is refused (422) before the rate limit counts it.
  const day = futureDay();
  const body = { name: 'x', start: `${day}T10:00`, end: `${day}T11:00` };
  const book = (app: typeof second, token: string, remoteAddress = '10.0.0.1', headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: `/api/${alice.calendar.slug}/events`, headers: { ...bearer(token), ...headers }, payload: body, remoteAddress });

  it('limits job-creating requests per API key, across API processes, with 429 problem+json and Retry-After', async () => {
    const { token: other } = await createUsersRepository(ctx.db.db).createKey({ userName: alice.user.name });
    expect((await book(ctx.app, alice.token)).statusCode).toBe(202);
    expect((await book(second, alice.token)).statusCode).toBe(202);
    expect((await book(ctx.app, alice.token)).statusCode).toBe(202);
    const before = await queue.getJobCounts();
    for (const app of [ctx.app, second]) {
      const limited = await book(app, alice.token);
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(limited.json()).toMatchObject({ type: '/problems/rate-limited', status: 429 });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      const cancel = await app.inject({ method: 'DELETE', url: `/api/${alice.calendar.slug}/events/abc`, headers: bearer(alice.token) });
      expect(cancel.statusCode).toBe(429);
    }
    expect(await queue.getJobCounts()).toEqual(before);
    // Another key of the same user has its own budget; reading is not limited.
    expect((await book(ctx.app, other)).statusCode).toBe(202);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/calendars', headers: bearer(alice.token) })).statusCode).toBe(200);
  });

  it('turns an address away after too many failed authentications (API keys and admin Basic auth alike), even with a right key', async () => {
    const { token } = await createUsersRepository(ctx.db.db).createKey({ userName: alice.user.name });
    const from = '10.9.9.9';
    expect((await book(ctx.app, 'rbk_wrong_key', from)).statusCode).toBe(401);
    const admin = await second.inject({ method: 'GET', url: '/admin/queues', headers: { authorization: `Basic ${Buffer.from('admin:nope').toString('base64')}` }, remoteAddress: from });
    expect(admin.statusCode).toBe(401);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/calendars', headers: bearer('guess'), remoteAddress: from })).statusCode).toBe(401);
    const limited = await book(second, 'rbk_another_guess', from);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ type: '/problems/rate-limited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const right = await ctx.app.inject({ method: 'GET', url: '/api/calendars', headers: bearer(token), remoteAddress: from });
    expect(right.statusCode).toBe(429);
    // Other addresses are not affected.
    expect((await ctx.app.inject({ method: 'GET', url: '/api/calendars', headers: bearer(token), remoteAddress: '10.9.9.10' })).statusCode).toBe(200);
  });

  it('bounds the Prefer: wait requests one key holds open: the next one is answered 202 at once', async () => {
    const { token } = await createUsersRepository(ctx.db.db).createKey({ userName: alice.user.name });
    const holding = book(ctx.app, token, '10.0.0.2', { prefer: 'wait=3' });
    // until the first request holds its slot (no worker runs, so its job stays waiting)
    for (let i = 0; i < 200; i++) {
      const keys = await connection.keys(`${config.QUEUE_PREFIX}:rate-limit:waits:*`);
      const values = await Promise.all(keys.map((k) => connection.get(k)));
      if (values.some((v) => Number(v) >= 1)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const extra = await book(second, token, '10.0.0.2', { prefer: 'wait=3' });
    expect(extra.statusCode).toBe(202);
    expect(extra.headers['preference-applied']).toBeUndefined();
    const first = await holding;
    expect(first.statusCode).toBe(202);
    expect(first.headers['preference-applied']).toBe('wait=3');
    // the slot is free again
    const after = await book(ctx.app, (await createUsersRepository(ctx.db.db).createKey({ userName: alice.user.name })).token, '10.0.0.2', { prefer: 'wait=1' });
    expect(after.headers['preference-applied']).toBe('wait=1');
  });
});
