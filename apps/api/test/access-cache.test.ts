import { createCalendarsRepository, createSecretBox, createUsersRepository } from '@roombook/db';
import { calendarService, redisAccessChanges, userService } from '@roombook/service';
import { addDays, futureDay, wallClockIso } from '@roombook/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { TEST_SECRET_KEY, bearer, buildTestApp, seedUser, testConfig } from './helper.js';

/**
 * Issue 9: keys and grants are cached in each API process, an enqueue is one Redis command, and
 * a revocation through @roombook/service reaches every API process at once (pub/sub), not only
 * when the cache expires. The TTL here is the maximum (60 s), so only the message can explain a
 * revocation that takes effect within the test.
 */
describe('access cache and enqueue path', () => {
  const config = testConfig({ ACCESS_CACHE_TTL_MS: '60000' });
  let one: Awaited<ReturnType<typeof buildTestApp>>;
  let two: Awaited<ReturnType<typeof buildTestApp>>;
  const changes = redisAccessChanges({ url: config.REDIS_URL, prefix: config.QUEUE_PREFIX });

  beforeAll(async () => {
    one = await buildTestApp(config);
    two = await buildTestApp(config); // a second API process: same database and Redis prefix
    await Promise.all([one.app.access.listening, two.app.access.listening]);
  });

  afterAll(async () => {
    changes.close();
    await one.app.queues.calendar.obliterate({ force: true });
    await Promise.all([one.app.close(), two.app.close()]);
    await Promise.all([one.db.close(), two.db.close()]);
  });

  // Bookings `offset` days after a day ahead of today (a booking may not start in the past).
  const first = futureDay();
  const book = (app: typeof one.app, slug: string, token: string, offset = 0) =>
    app.inject({
      method: 'POST',
      url: `/api/${slug}/events`,
      headers: bearer(token),
      payload: { name: 'Cached', start: `${addDays(first, offset)}T10:00`, end: `${addDays(first, offset)}T11:00` },
    });

  it('enqueues with one Redis command and no database query once key and grant are cached', async () => {
    const alice = await seedUser(one.db);
    expect((await book(one.app, alice.calendar.slug, alice.token)).statusCode).toBe(202);
    const authenticate = vi.spyOn(one.app.users, 'authenticate');
    const findForUser = vi.spyOn(one.app.calendars, 'findForUser');
    const commands = vi.spyOn(one.app.queues.redis, 'sendCommand');
    try {
      const response = await book(one.app, alice.calendar.slug, alice.token, 1);
      expect(response.statusCode).toBe(202);
      expect(response.json().job.state).toBe('waiting');
      expect(authenticate).not.toHaveBeenCalled();
      expect(findForUser).not.toHaveBeenCalled();
      // the failed-authentication block check (pttl), then the job's add script, nothing else: no
      // getState after it, and the per-key job limit's count comes from the lease of counts the
      // first booking took (1 % of the default 300, leased-rate-store.ts)
      expect(commands.mock.calls.map(([command]) => command.name)).toEqual(['pttl', 'evalsha']);
      const job = await one.app.queues.calendar.getJob(response.json().job.id);
      expect(job?.data).toMatchObject({ calendarId: alice.calendar.id, userId: alice.user.id, start: wallClockIso(addDays(first, 1), '10:00', 'Europe/Berlin') });
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('a key revoked through the service stops working in every API process at once', async () => {
    const alice = await seedUser(one.db);
    for (const { app } of [one, two]) expect((await book(app, alice.calendar.slug, alice.token)).statusCode).toBe(202);
    const [key] = (await createUsersRepository(one.db.db).listKeys()).filter((k) => k.user === alice.user.name);
    await userService({ db: one.db.db, accessChanges: changes }).revokeKey(key!.prefix);
    await vi.waitFor(async () => {
      for (const { app } of [one, two]) expect((await book(app, alice.calendar.slug, alice.token)).statusCode).toBe(401);
    });
  });

  it('a grant revoked through the service answers 404 in every API process at once; a new grant works at once', async () => {
    const alice = await seedUser(one.db);
    for (const { app } of [one, two]) expect((await book(app, alice.calendar.slug, alice.token)).statusCode).toBe(202);
    const service = calendarService({ db: one.db.db, secrets: () => createSecretBox(TEST_SECRET_KEY), accessChanges: changes });
    await service.revoke(alice.calendar.slug, alice.user.name, { force: true });
    await vi.waitFor(async () => {
      for (const { app } of [one, two]) expect((await book(app, alice.calendar.slug, alice.token)).statusCode).toBe(404);
    });
    await createCalendarsRepository(one.db.db).grant(alice.calendar.slug, alice.user.name);
    for (const { app } of [one, two]) expect((await book(app, alice.calendar.slug, alice.token)).statusCode).toBe(202);
  });

  it('a calendar zone changed through the service is used at once', async () => {
    const alice = await seedUser(one.db);
    expect((await book(one.app, alice.calendar.slug, alice.token)).statusCode).toBe(202);
    const service = calendarService({ db: one.db.db, secrets: () => createSecretBox(TEST_SECRET_KEY), accessChanges: changes });
    await service.update(alice.calendar.slug, { timeZone: 'UTC' }, { verify: false });
    await vi.waitFor(async () => {
      const response = await book(one.app, alice.calendar.slug, alice.token, 2);
      const job = await one.app.queues.calendar.getJob(response.json().job.id);
      expect(job?.data).toMatchObject({ start: `${addDays(first, 2)}T10:00:00.000Z`, timeZone: 'UTC' });
    });
  });
});
