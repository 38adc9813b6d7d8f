import { runCli } from '@roombook/cli';
import { createCalendarsRepository, createSecretBox, createUsersRepository, createWebhooksRepository } from '@roombook/db';
import { QueueName } from '@roombook/queue';
import { makeCalendar, putObject, uniqueName } from '@roombook/testing';
import type { RunningWorkers } from '@roombook/worker';
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { TEST_SECRET_KEY, bearer, buildTestApp, seedUser, startTestWorkers, type Fixture } from './helper.js';
import { day, event } from './ics.js';
import { startReceiver, type Answer, type Receiver } from './webhook-receiver.js';

/** Polls until `check` returns a value (not undefined/false), or fails after `ms`. */
async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, ms = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const isoDay = (offset: number) => day(offset).replace(/^(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3');

describe('webhooks (issue 12): signed deliveries to a real receiver', () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let workers: RunningWorkers;
  let receiver: Receiver;
  let connection: Redis;
  let webhookQueue: Queue;
  let collection: string;
  const [rooms] = inject('radicaleUsers');
  const TIMEOUT_MS = 2000;

  beforeAll(async () => {
    ctx = await buildTestApp();
    receiver = await startReceiver();
    collection = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('hooks'));
    workers = await startTestWorkers(ctx.config, {
      WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
      WEBHOOK_RETRY_DELAY_MS: '200',
      WEBHOOK_ATTEMPTS: '3',
      WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
    });
    connection = new Redis(ctx.config.REDIS_URL);
    webhookQueue = new Queue(QueueName.webhook, { connection, prefix: ctx.config.QUEUE_PREFIX });
  });

  afterAll(async () => {
    await workers?.close();
    await receiver?.close();
    await webhookQueue?.close();
    connection?.disconnect();
    await ctx?.app.close();
    await ctx?.db.close();
  });

  /** `roombook webhook create` for this user, to a receiver route answering as told. */
  async function hook(user: string, answer?: (n: number) => Answer, events?: string): Promise<{ id: number; path: string }> {
    let stdout = '';
    let stderr = '';
    const path = `/${uniqueName('hook')}`;
    const code = await runCli(['webhook', 'create', '--user', user, '--url', `${receiver.base}${path}`, ...(events ? ['--events', events] : []), '--json'], {
      stdout: (s) => (stdout += s),
      stderr: (s) => (stderr += s),
      env: { DATABASE_URL: ctx.config.DATABASE_URL, SECRET_KEY: TEST_SECRET_KEY, WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' },
    });
    expect(code, stderr).toBe(0);
    const created = JSON.parse(stdout) as { id: number; secret: string };
    receiver.route(path, created.secret, answer);
    return { id: created.id, path };
  }

  const book = (fixture: Fixture, name: string, dayOffset: number, from: string, to: string) =>
    ctx.app.inject({
      method: 'POST',
      url: `/api/${fixture.calendar.slug}/events`,
      headers: { ...bearer(fixture.token), prefer: 'wait=30' },
      payload: { name, start: `${isoDay(dayOffset)}T${from}`, end: `${isoDay(dayOffset)}T${to}` },
    });

  const deliveries = (id: number) => createWebhooksRepository(ctx.db.db).deliveries(id);

  /** No delivery waits, runs or is scheduled for a retry: what was queued has been sent or given up. */
  const drained = () =>
    eventually(async () => {
      const counts = await webhookQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(counts).every((n) => n === 0);
    }, 30_000, 'the webhook queue to drain');

  it('delivers booking.created, signed per Standard Webhooks, and logs the attempt', async () => {
    const alice = await seedUser(ctx.db, collection);
    const { id, path } = await hook(alice.user.name);
    const response = await book(alice, 'Standup', 2, '09:00', '09:30');
    expect(response.statusCode).toBe(201);
    const uid = response.json().id as string;

    const [delivery] = await eventually(() => receiver.at(path).length > 0 && receiver.at(path), 20_000, 'booking.created');
    // Both checks (the spec's algorithm by hand, and the library's verify) passed.
    expect(delivery!.event).toBeDefined();
    expect(delivery!.headers['content-type']).toBe('application/json');
    expect(delivery!.headers['webhook-id']).toMatch(/^msg_[A-Za-z0-9_-]+$/);
    expect(delivery!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(JSON.parse(delivery!.body)).toEqual({
      type: 'booking.created',
      timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      data: {
        job: { id: expect.any(String), name: 'create-event' },
        calendar: alice.calendar.slug,
        event: {
          id: uid,
          name: 'Standup',
          start: expect.stringMatching(new RegExp(`^${isoDay(2)}T09:00:00\\+0[12]:00$`)),
          end: expect.stringMatching(new RegExp(`^${isoDay(2)}T09:30:00\\+0[12]:00$`)),
          href: expect.stringContaining(`${uid}.ics`),
        },
      },
    });
    // `data.job` is the booking's own job.
    const calendarQueue = new Queue(QueueName.calendar, { connection, prefix: ctx.config.QUEUE_PREFIX });
    const job = await Job.fromId(calendarQueue, (delivery!.event!.data['job'] as { id: string }).id);
    await calendarQueue.close();
    expect(job?.data).toMatchObject({ uid, name: 'Standup', userId: alice.user.id });
    const [logged] = await eventually(async () => { const rows = await deliveries(id); return rows.length > 0 && rows; }, 5000, 'the delivery log');
    expect(logged).toMatchObject({ messageId: delivery!.headers['webhook-id'], eventType: 'booking.created', attempt: 1, statusCode: 204, error: null });
  });

  it('retries a receiver that answers 500, with the same webhook-id, and logs both attempts', async () => {
    const bob = await seedUser(ctx.db, collection);
    const { id, path } = await hook(bob.user.name, (n) => (n === 1 ? 500 : 200), 'booking.created');
    expect((await book(bob, 'Retro', 2, '11:00', '12:00')).statusCode).toBe(201);

    const attempts = await eventually(() => receiver.at(path).length >= 2 && receiver.at(path), 20_000, 'the retry');
    expect(attempts.every((a) => a.event?.type === 'booking.created')).toBe(true);
    expect(attempts[1]!.headers['webhook-id']).toBe(attempts[0]!.headers['webhook-id']);
    expect(attempts[1]!.body).toBe(attempts[0]!.body);
    const logged = await eventually(async () => { const rows = await deliveries(id); return rows.length === 2 && rows; }, 5000, 'two logged attempts');
    expect(logged.map((d) => [d.attempt, d.statusCode, d.error])).toEqual([
      [2, 200, null],
      [1, 500, 'receiver answered 500'],
    ]);
    await drained();
    expect(receiver.at(path)).toHaveLength(2);
  });

  it('a receiver that never answers does not hold up the booking; its attempts time out and are logged', async () => {
    const carol = await seedUser(ctx.db, collection);
    const { id, path } = await hook(carol.user.name, () => 'hang');
    const response = await book(carol, 'Planning', 3, '09:00', '10:00');
    // The booking is on the server and answered while its event's delivery cannot have ended yet.
    expect(response.statusCode).toBe(201);
    expect(await deliveries(id)).toEqual([]);

    const logged = await eventually(async () => { const rows = await deliveries(id); return rows.length === 3 && rows; }, 30_000, 'three timed-out attempts');
    for (const row of logged) {
      expect(row).toMatchObject({ statusCode: null, error: `no answer within ${TIMEOUT_MS} ms` });
      expect(row.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    }
    expect(receiver.at(path)).toHaveLength(3);
  });

  it('holds at most two attempts open to one receiver, so a receiver that is down does not block the others', async () => {
    const frank = await seedUser(ctx.db, collection);
    const down = await hook(frank.user.name, () => 'hang');
    const grace = await seedUser(ctx.db, collection);
    const healthy = await hook(grace.user.name);
    // Four messages to the down receiver first (as the emitter queues them), then one to the healthy one.
    const message = (webhookId: number, n: number) => ({
      name: 'deliver',
      data: { webhookId, messageId: `msg_inflight_${webhookId}_${n}`, type: 'booking.deleted', timestamp: new Date().toISOString(), data: { job: { id: `x${n}`, name: 'delete-event' }, calendar: frank.calendar.slug, event: { id: `gone-${n}` } } },
      // The worker's queue options (WEBHOOK_ATTEMPTS, WEBHOOK_RETRY_DELAY_MS); this Queue object has none of its own.
      opts: { jobId: `${webhookId}-msg_inflight_${webhookId}_${n}`, attempts: 3, backoff: { type: 'exponential', delay: 200 } },
    });
    await webhookQueue.addBulk(Array.from({ length: 4 }, (_, n) => message(down.id, n)));
    await eventually(() => receiver.open(down.path).now === 2, 10_000, 'two held requests');
    await webhookQueue.add(message(healthy.id, 0).name, message(healthy.id, 0).data, message(healthy.id, 0).opts);
    const [arrived] = await eventually(() => receiver.at(healthy.path).length > 0 && receiver.at(healthy.path), 10_000, 'the healthy delivery');
    expect(arrived!.event?.type).toBe('booking.deleted');
    // The healthy receiver was served while the down one still held its two requests.
    expect(receiver.open(down.path).now).toBe(2);
    // Every message to the down receiver gets its attempts in the end, never more than two at once.
    await eventually(async () => (await deliveries(down.id)).length === 12, 80_000, '4 messages x 3 timed-out attempts');
    expect(receiver.open(down.path).max).toBe(2);
  }, 90_000);

  it('sends booking.failed with the problem code when a job fails for good', async () => {
    const dave = await seedUser(ctx.db, collection);
    const { path } = await hook(dave.user.name, undefined, 'booking.failed');
    const response = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/${dave.calendar.slug}/events/no-such-booking`,
      headers: { ...bearer(dave.token), prefer: 'wait=30' },
    });
    expect(response.statusCode).toBe(404);
    const [delivery] = await eventually(() => receiver.at(path).length > 0 && receiver.at(path), 20_000, 'booking.failed');
    expect(delivery!.event).toMatchObject({
      type: 'booking.failed',
      data: {
        calendar: dave.calendar.slug,
        operation: 'delete',
        event: { id: 'no-such-booking' },
        problem: { code: 'NOT_FOUND', type: '/problems/job-not-found', detail: expect.stringContaining('no-such-booking') },
      },
    });
  });

  it('tells the maker of a booking lost in a clear (booking.removed), and whoever cleared (clear.completed)', async () => {
    const own = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('hooks-clear'));
    const maker = await seedUser(ctx.db, own, { manage: false, policy: { conflictPolicy: 'allow' } });
    // Another user granted the same room runs the clear.
    const users = createUsersRepository(ctx.db.db);
    const clearer = await users.create({ name: uniqueName('clearer') });
    const clearerKey = await users.createKey({ userName: clearer.name });
    await createCalendarsRepository(ctx.db.db, createSecretBox(TEST_SECRET_KEY)).grant(maker.calendar.slug, clearer.name, { manage: true });
    const makerHook = await hook(maker.user.name, undefined, 'booking.removed,clear.completed');
    const clearerHook = await hook(clearer.name, undefined, 'booking.removed,clear.completed');

    // Booked earlier in a mail client: it keeps the room against the API booking made now.
    await putObject(own, rooms!, 'finance.ics', event({ uid: 'finance-hooks', summary: 'Finance Monthly', date: day(4), from: '1000', to: '1200', created: '20260101T080000Z' }));
    const booked = await book(maker, 'Fundraising', 4, '11:00', '13:00');
    expect(booked.statusCode).toBe(201);
    const uid = booked.json().id as string;

    const cleared = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/clear-bookings?calendar=${maker.calendar.slug}`,
      headers: { ...bearer(clearerKey.token), prefer: 'wait=60' },
    });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json().deleted_overlapping_events.map((i: { event: { uid: string } }) => i.event.uid)).toEqual([uid]);

    await eventually(() => receiver.at(makerHook.path).length > 0 && receiver.at(clearerHook.path).length > 0, 20_000, 'both deliveries');
    await drained();
    const toMaker = receiver.at(makerHook.path);
    expect(toMaker).toHaveLength(1);
    expect(toMaker[0]!.event).toMatchObject({
      type: 'booking.removed',
      data: {
        calendar: maker.calendar.slug,
        job: { name: 'clear-calendar' },
        event: { id: uid, name: 'Fundraising', start: expect.stringMatching(new RegExp(`^${isoDay(4)}T11:00:00\\+0[12]:00$`)), recurrence_id: null },
        action: 'deleted',
        overlaps_with: { name: 'Finance Monthly' },
      },
    });
    const toClearer = receiver.at(clearerHook.path);
    expect(toClearer).toHaveLength(1);
    expect(toClearer[0]!.event).toMatchObject({
      type: 'clear.completed',
      data: {
        calendar: maker.calendar.slug,
        test_mode: false,
        trigger: 'api',
        counts: { deleted_overlapping_events: 1, deleted_cancelled_events: 0, cancelled_overlapping_recurring_events: 0, ignored_overlapping_events: 0 },
      },
    });
  });

  it('revoking a webhook stops its deliveries, queued retries included', async () => {
    const erin = await seedUser(ctx.db, collection);
    let release!: (status: number) => void;
    const firstAnswer = new Promise<number>((resolve) => (release = resolve));
    const revoked = await hook(erin.user.name, (n) => (n === 1 ? { hold: firstAnswer } : 200), 'booking.created');
    const control = await hook(erin.user.name, undefined, 'booking.created');

    expect((await book(erin, 'Before revoke', 5, '09:00', '10:00')).statusCode).toBe(201);
    await eventually(() => receiver.at(revoked.path).length === 1, 20_000, 'the first attempt');
    let stderr = '';
    const code = await runCli(['webhook', 'revoke', '--id', String(revoked.id)], {
      stdout: () => undefined,
      stderr: (s) => (stderr += s),
      env: { DATABASE_URL: ctx.config.DATABASE_URL },
    });
    expect(code, stderr).toBe(0);
    // The first attempt fails after the revoke; its retry must find the webhook revoked.
    release(500);
    const [first] = await eventually(async () => { const rows = await deliveries(revoked.id); return rows.length > 0 && rows; }, 5000, 'the logged attempt');
    const job = await eventually(async () => {
      const id = `${revoked.id}-${first!.messageId}`;
      const j = await Job.fromId(webhookQueue, id);
      // Read again once completed: a job that completed between the two calls was read without its result.
      return j && (await j.isCompleted()) && Job.fromId(webhookQueue, id);
    }, 20_000, 'the retry to finish');
    expect(job.returnvalue).toMatchObject({ outcome: 'skipped', status: null, attempt: 2 });

    expect((await book(erin, 'After revoke', 5, '11:00', '12:00')).statusCode).toBe(201);
    await eventually(() => receiver.at(control.path).length === 2, 20_000, 'the control webhook');
    await drained();
    expect(receiver.at(revoked.path)).toHaveLength(1);
    expect((await deliveries(revoked.id)).map((d) => d.statusCode)).toEqual([500]);
  });
});
