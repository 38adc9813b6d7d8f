/**
 * Service benchmarks (design §8): API throughput and latency over real HTTP, end-to-end booking
 * latency (REST -> queue -> worker -> Radicale -> answer), and clearing time against calendar
 * size. Everything runs on this machine: a private Radicale, a throwaway database and queue
 * prefix, the API listening on a loopback port and a worker in this process.
 */
import { randomBytes } from 'node:crypto';

import { createCalendarsRepository, createDatabase, createSecretBox, createUsersRepository } from '@roombook/db';
import { createTestDatabase, makeCalendar, putObject, startRadicale } from '@roombook/testing';

import { loadWorkerConfig, startWorkers } from '@roombook/worker';

import { buildApp } from '../src/app.js';
import { loadApiConfig } from '../src/config.js';
import { benchDay } from './bench-fixture.js';

const SECRET = 'bench-secret-key-0123456789';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const fmt = (n: number) => n.toFixed(1);

/** Weekly series and single events of a busy room, spread over the next months. */
function roomObject(i: number): string {
  const day = new Date(Date.now() + (1 + (i % 180)) * 86_400_000);
  const date = day.toISOString().slice(0, 10).replaceAll('-', '');
  const hour = String(8 + (i % 9)).padStart(2, '0');
  const weekly = i % 3 === 0 ? ['RRULE:FREQ=WEEKLY;COUNT=20'] : [];
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//bench//EN',
    'BEGIN:VTIMEZONE', 'TZID:Europe/Berlin',
    'BEGIN:DAYLIGHT', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'DTSTART:19700329T020000', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'END:DAYLIGHT',
    'BEGIN:STANDARD', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'DTSTART:19701025T030000', 'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU', 'END:STANDARD',
    'END:VTIMEZONE',
    'BEGIN:VEVENT', `UID:bench-${i}`, `DTSTAMP:20260101T000000Z`, `CREATED:2026${String(1 + (i % 12)).padStart(2, '0')}01T000000Z`,
    `DTSTART;TZID=Europe/Berlin:${date}T${hour}0000`, `DTEND;TZID=Europe/Berlin:${date}T${hour}4500`,
    `SUMMARY:Meeting ${i}`, `ORGANIZER:mailto:person${i % 40}@example.org`, ...weekly, 'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');
}

export async function run(): Promise<void> {
  const database = await createTestDatabase();
  const radicale = await startRadicale();
  const prefix = `bench-${randomBytes(3).toString('hex')}`;
  // The per-key job limit still runs on every request, set above what 32 clients reach in 5 s: at its
  // default (300 a minute) the throughput run was answered 429 and the bench stopped.
  const config = loadApiConfig({ DATABASE_URL: database.url, QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent', TIME_ZONE: 'Europe/Berlin', RATE_LIMIT_JOBS_MAX: '100000000' });
  const db = createDatabase(database.url, { max: 2 });
  const users = createUsersRepository(db.db);
  const calendars = createCalendarsRepository(db.db, createSecretBox(SECRET));
  const [rooms] = radicale.users;
  const user = await users.create({ name: 'bench' });
  const { token } = await users.createKey({ userName: 'bench' });
  const app = await buildApp(config);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  let workers: Awaited<ReturnType<typeof startWorkers>> | undefined;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const room = async (slug: string) => {
    const url = await makeCalendar(radicale.url, rooms!, slug);
    await calendars.create({ slug, url, username: rooms!.username, password: rooms!.password, timeZone: 'Europe/Berlin' });
    await calendars.grant(slug, user.name);
    return url;
  };
  try {
    // 1. API: validate + authenticate + enqueue, over HTTP, 32 clients for 5 s (bounded).
    await room('throughput');
    const loadDay = benchDay();
    const body = JSON.stringify({ name: 'Load', start: `${loadDay}T10:00`, end: `${loadDay}T11:00` });
    const latencies: number[] = [];
    const until = Date.now() + 5000;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (Date.now() < until) {
          const started = performance.now();
          const response = await fetch(`${address}/api/throughput/events`, { method: 'POST', headers, body });
          await response.arrayBuffer();
          if (response.status !== 202) throw new Error(`unexpected ${response.status}`);
          latencies.push(performance.now() - started);
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    console.log(
      `api enqueue (POST /events, 32 clients, 5 s): ${fmt(latencies.length / 5)} req/s, p50 ${fmt(percentile(latencies, 50))} ms, p99 ${fmt(percentile(latencies, 99))} ms`,
    );
    // The worker starts only now (in another process it would not compete for this CPU), and
    // without the enqueued load, which would only delay the latency figures below.
    await app.queues.calendar.obliterate({ force: true });
    workers = await startWorkers(loadWorkerConfig({ DATABASE_URL: database.url, QUEUE_PREFIX: prefix, SECRET_KEY: SECRET, LOG_LEVEL: 'silent' }));

    // 2. End to end: POST with Prefer: wait until the event is on Radicale, one at a time.
    await room('latency');
    const e2e: number[] = [];
    for (let i = 0; i < 30; i++) {
      const started = performance.now();
      const response = await fetch(`${address}/api/latency/events`, {
        method: 'POST',
        headers: { ...headers, prefer: 'wait=30' },
        // distinct slots: the room refuses a clash at booking time (issue 11)
        body: JSON.stringify({ name: `E2E ${i}`, start: `${benchDay(1 + (i % 28))}T${i < 28 ? 10 : 12}:00`, end: `${benchDay(1 + (i % 28))}T${i < 28 ? 10 : 12}:30` }),
      });
      await response.arrayBuffer();
      if (response.status !== 201) throw new Error(`unexpected ${response.status}`);
      e2e.push(performance.now() - started);
    }
    e2e.sort((a, b) => a - b);
    console.log(`booking end to end (Prefer: wait, 30 sequential): p50 ${fmt(percentile(e2e, 50))} ms, p95 ${fmt(percentile(e2e, 95))} ms`);

    // 2b. The same with the conflict check against a busy room (500 objects, issue 11): the create
    // job reads and expands the whole calendar under its lock before writing.
    for (const conflicts of ['allow', 'reject'] as const) {
      const slug = `checked-${conflicts}`;
      const url = await room(slug);
      await calendars.update(slug, { policy: { conflictPolicy: conflicts } });
      for (let i = 0; i < 500; i += 25) {
        await Promise.all(Array.from({ length: 25 }, (_, k) => putObject(url, rooms!, `bench-${i + k}.ics`, roomObject(i + k))));
      }
      const checked: number[] = [];
      for (let i = 0; i < 20; i++) {
        const date = benchDay(30 + i);
        const started = performance.now();
        const response = await fetch(`${address}/api/${slug}/events`, {
          method: 'POST',
          headers: { ...headers, prefer: 'wait=30' },
          body: JSON.stringify({ name: `Early ${i}`, start: `${date}T07:00`, end: `${date}T07:30` }),
        });
        await response.arrayBuffer();
        if (response.status !== 201) throw new Error(`unexpected ${response.status}`);
        checked.push(performance.now() - started);
      }
      checked.sort((a, b) => a - b);
      console.log(`booking end to end, 500-object room, conflicts=${conflicts} (20 sequential): p50 ${fmt(percentile(checked, 50))} ms, p95 ${fmt(percentile(checked, 95))} ms`);
    }

    // 3. Clearing (test mode: fetch + expand + plan + report) against calendar size.
    for (const size of [100, 500, 1000]) {
      const slug = `clear-${size}`;
      const url = await room(slug);
      for (let i = 0; i < size; i += 25) {
        await Promise.all(Array.from({ length: Math.min(25, size - i) }, (_, k) => putObject(url, rooms!, `bench-${i + k}.ics`, roomObject(i + k))));
      }
      const started = performance.now();
      const response = await fetch(`${address}/api/clear-bookings?calendar=${slug}&test=1`, { method: 'DELETE', headers: { ...headers, prefer: 'wait=60' } });
      const report = (await response.json()) as { deleted_overlapping_events: unknown[]; cancelled_overlapping_recurring_events: unknown[] };
      const ms = performance.now() - started;
      if (response.status !== 200) throw new Error(`clear answered ${response.status}`);
      console.log(
        `clear (test mode) ${size} objects: ${fmt(ms)} ms, ${fmt((size / ms) * 1000)} objects/s, ${report.deleted_overlapping_events.length + report.cancelled_overlapping_recurring_events.length} losers`,
      );
    }
  } finally {
    await workers?.close();
    await app.close();
    await db.close();
    await radicale.stop();
    await database.drop();
  }
}
