import { BenchEnv, loadConfig, processEnv } from '@roombook/config';
/**
 * Free/busy latency (issue 12): `GET /api/freebusy` for 20 rooms over 7 days, autocannon with 50
 * connections, against the real API (its own process, reading a realistic store: 20 rooms × a
 * year of ~8 bookings a working day) and against bare Fastify answering the same body (also its
 * own process), one after the other: the API as configured (answers cached for a second) and with
 * the answer cache off (every request computed). Target: p50 < 20 ms. Also prints the store query alone.
 * `ROOMBOOK_BENCH_CPU_PROF=DIR` writes a V8 CPU profile of the API process into DIR.
 */
import { randomBytes } from 'node:crypto';
import { writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createAvailabilityRepository, createCalendarsRepository, createDatabase, createSecretBox, createUsersRepository, schema } from '@roombook/db';
import { createTestDatabase } from '@roombook/testing';
import autocannon from 'autocannon';
import { fromZonedTime } from 'date-fns-tz';

import { freePort, repoRoot, startNode } from './processes.js';

const bench = loadConfig(BenchEnv, processEnv());

const CONNECTIONS = 50;
const SECONDS = bench.ROOMBOOK_BENCH_SECONDS;
const ROOMS = 20;
const DAYS = 365;
const ZONE = 'Europe/Berlin';

interface Load {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

async function load(url: string, headers: Record<string, string>, connections = CONNECTIONS): Promise<Load> {
  // A short warm-up first: JIT, connection pools and caches, then the measured run.
  await autocannon({ url, headers, connections, duration: 2 });
  const result = await autocannon({ url, headers, connections, duration: connections === 1 ? 3 : SECONDS });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx + result.errors };
}

const line = (l: Load) => `${Math.round(l.rps).toLocaleString('en')} req/s, p50 ${l.p50} ms, p99 ${l.p99} ms${l.non2xx ? `, ${l.non2xx} non-2xx/errors` : ''}`;

/** Deterministic pseudo-random numbers (mulberry32), so every run seeds the same calendars. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const berlinDay = (offset: number) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(new Date(Date.now() + offset * 86_400_000));

/**
 * A room's year as the mirror holds it: on working days about 8 meetings between 08:00 and 19:00
 * (15 to 120 minutes, on quarter hours, some back to back, some overlapping as double bookings
 * do before a clear), a few on Saturdays; and a weekly all-day block now and then.
 */
function roomYear(calendarId: number, next: () => number): (typeof schema.busyIntervals.$inferInsert)[] {
  const rows: (typeof schema.busyIntervals.$inferInsert)[] = [];
  for (let d = 0; d < DAYS; d++) {
    const day = berlinDay(d);
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    const meetings = weekday === 0 ? 0 : weekday === 6 ? Math.floor(next() * 3) : 6 + Math.floor(next() * 5);
    for (let m = 0; m < meetings; m++) {
      const startMinute = 8 * 60 + Math.floor(next() * 40) * 15;
      const minutes = 15 * (1 + Math.floor(next() * 8));
      const start = fromZonedTime(`${day}T${String(Math.floor(startMinute / 60)).padStart(2, '0')}:${String(startMinute % 60).padStart(2, '0')}:00`, ZONE);
      rows.push({ calendarId, href: `${calendarId}-${d}-${m}.ics`, start, end: new Date(start.getTime() + minutes * 60_000) });
    }
    if (weekday === 5 && next() < 0.1) {
      rows.push({ calendarId, href: `${calendarId}-${d}-allday.ics`, start: fromZonedTime(`${day}T00:00:00`, ZONE), end: fromZonedTime(`${berlinDay(d + 1)}T00:00:00`, ZONE) });
    }
  }
  return rows;
}

export async function run(): Promise<void> {
  const database = await createTestDatabase();
  const prefix = `bench-${randomBytes(3).toString('hex')}`;
  const db = createDatabase(database.url, { max: 2 });
  const bodyFile = join(tmpdir(), `roombook-freebusy-${prefix}.json`);
  const children: { stop(): Promise<void> }[] = [];
  try {
    const users = createUsersRepository(db.db);
    const calendars = createCalendarsRepository(db.db, createSecretBox('bench-secret-key-0123456789'));
    await users.create({ name: 'bench' });
    const { token } = await users.createKey({ userName: 'bench' });
    const next = random(12);
    let intervals = 0;
    const ids: number[] = [];
    for (let i = 0; i < ROOMS; i++) {
      // The API never talks CalDAV: the calendar rows need no server behind them.
      const room = await calendars.create({ slug: `room-${String(i + 1).padStart(2, '0')}`, url: `http://127.0.0.1:9/room-${i}/`, username: 'u', password: 'p', timeZone: ZONE });
      await calendars.grant(room.slug, 'bench');
      ids.push(room.id);
      const rows = roomYear(room.id, next);
      for (let at = 0; at < rows.length; at += 5000) await db.db.insert(schema.busyIntervals).values(rows.slice(at, at + 5000));
      intervals += rows.length;
    }
    const now = new Date();
    await db.db.$client`UPDATE calendars SET mirror_refreshed_at = ${now.toISOString()}, mirror_from = ${fromZonedTime(`${berlinDay(0)}T00:00:00`, ZONE).toISOString()}, mirror_to = ${fromZonedTime(`${berlinDay(DAYS)}T00:00:00`, ZONE).toISOString()}`;
    await db.db.$client`ANALYZE busy_intervals`;

    // The coming week, as a kiosk or a room finder would ask.
    const query = `start=${berlinDay(1)}T00:00&end=${berlinDay(8)}T00:00`;
    const headers = { authorization: `Bearer ${token}` };

    // the store's query alone (one SQL for the 20 rooms), in this process
    const availability = createAvailabilityRepository(db.db);
    const [from, to] = [fromZonedTime(`${berlinDay(1)}T00:00:00`, ZONE), fromZonedTime(`${berlinDay(8)}T00:00:00`, ZONE)];
    const times: number[] = [];
    let returned = 0;
    for (let i = 0; i < 200; i++) {
      const started = performance.now();
      returned = (await availability.busyIntervals(ids, from, to)).length;
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const sqlMedian = times[times.length >> 1]!;
    const [late, lateTo] = [fromZonedTime(`${berlinDay(300)}T00:00:00`, ZONE), fromZonedTime(`${berlinDay(307)}T00:00:00`, ZONE)];
    const lateTimes: number[] = [];
    for (let i = 0; i < 50; i++) {
      const started = performance.now();
      await availability.busyIntervals(ids, late, lateTo);
      lateTimes.push(performance.now() - started);
    }
    lateTimes.sort((a, b) => a - b);

    const profileDir = bench.ROOMBOOK_BENCH_CPU_PROF;
    const startApi = async (cacheMs: string) => {
      const port = await freePort();
      const api = await startNode(
        join(repoRoot, 'apps/api/dist/server.js'),
        { DATABASE_URL: database.url, QUEUE_PREFIX: prefix, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ADMIN_TOKEN: '', AVAILABILITY_CACHE_MS: cacheMs },
        { port, quiet: true, nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] },
      );
      children.push(api);
      return { api, url: `http://127.0.0.1:${port}/api/freebusy?${query}` };
    };

    // as configured by default: the same question within a second is answered from memory
    const cached = await startApi('1000');
    const sample = await fetch(cached.url, { headers });
    const text = await sample.text();
    if (sample.status !== 200) throw new Error(`GET /api/freebusy answered ${sample.status}: ${text}`);
    const answer = JSON.parse(text) as { calendars: { busy: unknown[] }[] };
    await writeFile(bodyFile, text);
    const ours = await load(cached.url, headers);
    await cached.api.stop();

    // every request computed from PostgreSQL
    const uncached = await startApi('0');
    const computed = await load(uncached.url, headers);
    // one request at a time: what a single answer costs without queueing behind 49 others
    const alone = await load(uncached.url, headers, 1);
    await uncached.api.stop();

    const barePort = await freePort();
    const bare = await startNode(join(repoRoot, 'apps/api/bench/bare-freebusy.ts'), { PORT: String(barePort), BODY_FILE: bodyFile }, {
      port: barePort,
      nodeArgs: ['--conditions=source', '--import', 'tsx'],
    });
    children.push(bare);
    const anchor = await load(`http://127.0.0.1:${barePort}/api/freebusy?${query}`, headers);
    await bare.stop();

    const merged = answer.calendars.reduce((n, c) => n + c.busy.length, 0);
    console.log(
      `free/busy, GET /api/freebusy, ${ROOMS} rooms × 7 days (${intervals.toLocaleString('en')} busy intervals in the store, a year of ~8 bookings a working day; ${returned} in the week, ${merged} after merging; ${(text.length / 1024).toFixed(1)} KiB answer), autocannon ${CONNECTIONS} connections, ${SECONDS} s each:`,
    );
    console.log(`  roombook API                       ${line(ours)}   (AVAILABILITY_CACHE_MS=1000, the default; target p50 < 20 ms)`);
    console.log(`  roombook API, no answer cache      ${line(computed)}   (AVAILABILITY_CACHE_MS=0: two queries, merge and format per request)`);
    console.log(`  roombook API, no cache, 1 conn.    ${line(alone)}`);
    console.log(`  bare Fastify                       ${line(anchor)}   <- anchor, same route, schemas and answer, no auth or database`);
    console.log(`  store query       median ${sqlMedian.toFixed(2)} ms for the coming week, ${lateTimes[lateTimes.length >> 1]!.toFixed(2)} ms for a week 300 days ahead (one SQL, all 20 rooms, from this process)`);
  } finally {
    for (const child of children) await child.stop();
    await rm(bodyFile, { force: true });
    await db.close();
    await database.drop();
  }
}
