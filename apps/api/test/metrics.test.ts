import { createTestDatabase, makeCalendar, putObject, startSmtpServer, uniqueName, type TestDatabase, type TestSmtpServer } from '@roombook/testing';
import type { RunningWorkers } from '@roombook/worker';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { bearer, buildTestApp, seedUser, startTestWorkers, testConfig, type Fixture } from './helper.js';
import { day, event } from './ics.js';

const ADMIN = 'Basic ' + Buffer.from('admin:admin-token-for-tests').toString('base64');

/** Prometheus text -> { 'name{labels}': value }, labels as printed. */
function parse(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}

describe('GET /metrics (worker metrics through Redis, queue depth from BullMQ)', () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let workers: RunningWorkers;
  let smtp: TestSmtpServer;
  let room: Fixture;
  let database: TestDatabase;
  const [rooms] = inject('radicaleUsers');
  const redis = new Redis(inject('redisUrl'));

  const scrape = async () => {
    await workers.publishMetrics();
    const response = await ctx.app.inject({ url: '/metrics', headers: { authorization: ADMIN } });
    expect(response.statusCode).toBe(200);
    return { response, samples: parse(response.body) };
  };
  const scrapeUntil = async (ok: (samples: Map<string, number>) => boolean) => {
    for (let i = 0; i < 200; i++) {
      const { samples } = await scrape();
      if (ok(samples)) return samples;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('metrics never reached the expected values');
  };

  beforeAll(async () => {
    // A database of its own: the run's shared one holds other tests' auto_clear calendars, whose
    // scheduled clears this worker would otherwise run and count too.
    const server = new URL(inject('databaseUrl'));
    server.pathname = '/postgres';
    database = await createTestDatabase(server.toString());
    ctx = await buildTestApp(testConfig({ DATABASE_URL: database.url }));
    smtp = await startSmtpServer({ secure: false, starttls: true });
    workers = await startTestWorkers(ctx.config, {
      SMTP_SERVER: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_STARTTLS: 'true', SMTP_EMAIL: 'rooms@example.org', SMTP_TLS_REJECT_UNAUTHORIZED: 'false', MAIL_ALLOWED_DOMAINS: 'example.org',
    });
    const collection = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('metrics'));
    // Two bookings of one slot, for the clear to settle: the original app's behaviour (issue 11's `allow`).
    room = await seedUser(ctx.db, collection, { policy: { conflictPolicy: 'allow' } });
    await putObject(collection, rooms!, 'keeper.ics', event({ uid: 'keeper', summary: 'Finance', date: day(2), from: '1000', to: '1200', created: '20260101T080000Z', extra: ['ORGANIZER:mailto:finance@example.org'] }));
    await putObject(collection, rooms!, 'loser.ics', event({ uid: 'loser', summary: 'Sales', date: day(2), from: '1100', to: '1230', created: '20260301T080000Z', extra: ['ORGANIZER:mailto:sales@example.org'] }));
  });
  afterAll(async () => {
    await workers.close();
    await smtp.stop();
    await ctx.app.close();
    await ctx.db.close();
    await database.drop();
    redis.disconnect();
  });

  it('is behind the admin credentials, like Bull Board', async () => {
    for (const authorization of [undefined, 'Basic ' + Buffer.from('admin:wrong-token').toString('base64'), `Bearer ${room.token}`]) {
      const response = await ctx.app.inject({ url: '/metrics', headers: authorization ? { authorization } : {} });
      expect(response.statusCode).toBe(401);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.headers['www-authenticate']).toContain('Basic');
      expect(response.json()).toMatchObject({ type: '/problems/unauthorized', status: 401 });
    }
  });

  it('counts jobs, their durations, CalDAV requests, clear decisions, mails, lock waits and queue depth', async () => {
    const book = (name: string, headers: Record<string, string> = {}) =>
      ctx.app.inject({
        method: 'POST', url: `/api/${room.calendar.slug}/events`, headers: { ...bearer(room.token), ...headers },
        payload: { name, start: `${day(3).slice(0, 4)}-${day(3).slice(4, 6)}-${day(3).slice(6, 8)}T09:00`, end: `${day(3).slice(0, 4)}-${day(3).slice(4, 6)}-${day(3).slice(6, 8)}T10:00` },
      });
    expect((await book('Standup', { prefer: 'wait=30' })).statusCode).toBe(201);
    const cleared = await ctx.app.inject({
      method: 'DELETE', url: `/api/clear-bookings?calendar=${room.calendar.slug}`, headers: { ...bearer(room.token), prefer: 'wait=60' },
    });
    expect(cleared.statusCode).toBe(200);
    await smtp.waitForMessages(1, 20_000);

    // Another job holds the calendar: the next booking waits parked, then goes through.
    const lockKey = `${ctx.config.QUEUE_PREFIX}:lock:calendar:${room.calendar.id}`;
    await redis.set(lockKey, 'another-worker', 'PX', 60_000);
    expect((await book('Retro')).statusCode).toBe(202);
    await scrapeUntil((s) => (s.get('roombook_calendar_lock_waits_total') ?? 0) >= 1);
    await redis.del(lockKey);

    const samples = await scrapeUntil(
      (s) =>
        s.get('roombook_jobs_total{queue="calendar",name="create-event",outcome="completed"}') === 2 &&
        s.get('roombook_mails_total{outcome="sent"}') === 1,
    );
    expect(samples.get('roombook_jobs_total{queue="calendar",name="clear-calendar",outcome="completed"}')).toBe(1);
    expect(samples.get('roombook_jobs_total{queue="mail",name="notify",outcome="completed"}')).toBe(1);
    expect(samples.get('roombook_jobs_total{queue="calendar",name="create-event",outcome="waiting_for_lock"}')).toBeGreaterThanOrEqual(1);
    expect(samples.get('roombook_job_duration_seconds_count{queue="calendar",name="create-event",outcome="completed"}')).toBe(2);
    expect(samples.get('roombook_job_duration_seconds_bucket{le="+Inf",queue="calendar",name="clear-calendar",outcome="completed"}')).toBe(1);
    expect(samples.get('roombook_caldav_request_duration_seconds_count{method="PUT",status="201"}')).toBe(2);
    expect(samples.get('roombook_caldav_request_duration_seconds_count{method="REPORT",status="207"}')).toBeGreaterThanOrEqual(1);
    const deletes = [...samples].filter(([k]) => k.startsWith('roombook_caldav_request_duration_seconds_count{method="DELETE",status="2'));
    expect(deletes.map(([, v]) => v)).toEqual([1]);
    expect(samples.get('roombook_clear_decisions_total{action="deleted",status="applied"}')).toBe(1);
    expect(samples.get('roombook_mails_total{outcome="failed"}')).toBeUndefined();
    expect(samples.get('roombook_calendar_leases_lost_total')).toBe(0);
    expect(samples.get('roombook_queue_jobs{queue="calendar",state="completed"}')).toBe(3);
    expect(samples.get('roombook_queue_jobs{queue="mail",state="completed"}')).toBe(1);
    expect(samples.get('roombook_queue_jobs{queue="calendar",state="failed"}')).toBe(0);
    // The store's refreshes (after each write, and on the calendar's schedule) are counted like any queue.
    expect(samples.get('roombook_queue_jobs{queue="mirror",state="failed"}')).toBe(0);
    expect(samples.get('roombook_queue_jobs{queue="webhook",state="waiting"}')).toBe(0);
    expect(samples.get('roombook_metrics_workers')).toBe(1);

    const { response } = await scrape();
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.body).toContain('# TYPE roombook_job_duration_seconds histogram');
    expect(response.body).not.toContain('rooms-pass');
  });
});
