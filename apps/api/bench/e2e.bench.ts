import { BenchEnv, loadConfig, processEnv } from '@roombook/config';
/**
 * Booking end to end and the worker's memory (issue 9). The API and the worker run as processes
 * of their own, against a private Radicale:
 * - end to end: `POST /events` with `Prefer: wait=30`, one at a time, each followed by the anchor:
 *   a plain conditional PUT (`If-None-Match: *`) of the same kind of event to the same Radicale,
 *   from here; the difference is the service's own overhead (API, queue, lock, database, job
 *   state). Two rooms, one after the other (40 bookings each, after 5 not counted):
 *   `conflicts=allow` (the booking is one PUT, as the anchor) and `conflicts=reject` (the default:
 *   the worker first reads the room to refuse a clash, issue 11, a REPORT the anchor does not make).
 *   Each booking's time is split by its job's own timestamps: request -> job added -> taken by the
 *   worker -> finished -> answer received;
 * `ROOMBOOK_BENCH_CPU_PROF=DIR` writes V8 CPU profiles of the API and worker processes into DIR.
 * The worker runs with its process settings (Node flags, glibc malloc settings), as `npm start` and compose run it.
 *   Then bursts: 8 bookings into the `allow` room at once, 5 times; each waits for the room's lock in turn.
 * - soak: the worker's RSS after a warm-up and after ROOMBOOK_BENCH_SOAK_JOBS (50,000; 0 skips it) create jobs.
 *   They write to a loopback stub that answers every PUT with 201 at once, so the soak measures
 *   the worker and not Radicale's storage (which would take tens of minutes for 50,000 objects).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { join } from 'node:path';

import { createCalendarsRepository, createDatabase, createSecretBox, createUsersRepository } from '@roombook/db';
import { buildEvent } from '@roombook/ical';
import type { CreateEventPayload } from '@roombook/queue';
import { createTestDatabase, makeCalendar, startRadicale } from '@roombook/testing';
import { workerEnv, workerNodeFlags } from '@roombook/worker/process-settings';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';

import { benchDay } from './bench-fixture.js';
import { freePort, repoRoot, startNode, type Child } from './processes.js';

const bench = loadConfig(BenchEnv, processEnv());

const SECRET = 'bench-secret-key-0123456789';
const ROUNDS = 40;
const BURST = 8;
const BURSTS = 5;
const SOAK_JOBS = bench.ROOMBOOK_BENCH_SOAK_JOBS;
const SOAK_ROOMS = 16;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (n: number) => `${n.toFixed(1)} ms`;

export async function run(): Promise<void> {
  const database = await createTestDatabase();
  const radicale = await startRadicale();
  const prefix = `bench-${randomBytes(3).toString('hex')}`;
  const db = createDatabase(database.url, { max: 2 });
  const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const queue = new Queue('calendar', { connection: redis, prefix });
  const children: Child[] = [];
  // PUT: 201; REPORT: an empty room (the conflict check of a `reject` room read past the store's
  // window, or a listing), and to the store refresh's sync-collection from its token no changes and
  // the same token; PROPFIND: that token, so after a room's first refresh (an empty listing) each
  // refresh is that single sync REPORT, as on a real server where nothing changed. (The stub once
  // answered 404, and every refresh failed, logged a stack and recorded the failure: work a real
  // server does not cause.)
  const emptyMultistatus = '<?xml version="1.0" encoding="utf-8"?>\n<multistatus xmlns="DAV:"/>';
  const noChanges = '<?xml version="1.0" encoding="utf-8"?>\n<multistatus xmlns="DAV:"><sync-token>http://stub/sync/1</sync-token></multistatus>';
  const collectionState = (path: string) =>
    '<?xml version="1.0" encoding="utf-8"?>\n<multistatus xmlns="DAV:" xmlns:cs="http://calendarserver.org/ns/"><response>' +
    `<href>${path}</href><propstat><prop><sync-token>http://stub/sync/1</sync-token><cs:getctag>1</cs:getctag></prop>` +
    '<status>HTTP/1.1 200 OK</status></propstat></response></multistatus>';
  // What the soak's jobs asked of the stub, by kind: a refresh that fell back to listings shows here.
  const stubRequests = new Map<string, number>();
  const stubRequestKind = (method: string | undefined, body: string) =>
    method === 'REPORT' ? (body.includes('sync-collection') ? 'sync REPORT' : 'other REPORT') : (method ?? '?');
  const stub = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const kind = stubRequestKind(request.method, body);
      stubRequests.set(kind, (stubRequests.get(kind) ?? 0) + 1);
      if (request.method === 'REPORT' || request.method === 'PROPFIND') {
        response.writeHead(207, { 'content-type': 'application/xml; charset=utf-8' });
        response.end(kind === 'PROPFIND' ? collectionState(request.url ?? '/') : kind === 'sync REPORT' ? noChanges : emptyMultistatus);
        return;
      }
      response.writeHead(request.method === 'PUT' ? 201 : 404, { etag: `"${randomBytes(6).toString('hex')}"` });
      response.end();
    });
  });
  try {
    const users = createUsersRepository(db.db);
    const calendars = createCalendarsRepository(db.db, createSecretBox(SECRET));
    await users.create({ name: 'bench' });
    const { token } = await users.createKey({ userName: 'bench' });
    const [rooms] = radicale.users;
    for (const policy of ['allow', 'reject'] as const) {
      const slug = `latency-${policy}`;
      const url = await makeCalendar(radicale.url, rooms!, slug);
      await calendars.create({ slug, url, username: rooms!.username, password: rooms!.password, timeZone: 'Europe/Berlin', policy: { conflictPolicy: policy } });
      await calendars.grant(slug, 'bench');
    }
    const anchorUrl = await makeCalendar(radicale.url, rooms!, 'anchor');

    const env = { DATABASE_URL: database.url, QUEUE_PREFIX: prefix, SECRET_KEY: SECRET, LOG_LEVEL: 'warn', ADMIN_TOKEN: '' };
    const apiPort = await freePort();
    const profileDir = bench.ROOMBOOK_BENCH_CPU_PROF;
    const profileArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    const api = await startNode(join(repoRoot, 'apps/api/dist/server.js'), { ...env, HOST: '127.0.0.1', PORT: String(apiPort) }, { port: apiPort, nodeArgs: profileArgs });
    children.push(api);
    // Started as every launcher starts it: with its memory settings (apps/worker/src/process-settings.ts),
    // unless ROOMBOOK_BENCH_WORKER_SETTINGS=false asks for Node's defaults to compare.
    const settings = bench.ROOMBOOK_BENCH_WORKER_SETTINGS;
    const worker = await startNode(join(repoRoot, 'apps/worker/dist/main.js'), { ...env, ...(settings ? workerEnv : {}) }, {
      nodeArgs: [...(settings ? workerNodeFlags : []), ...profileArgs],
    });
    children.push(worker);
    // Ready once it has started its workers (BullMQ's scripts loaded); idle, nothing processed yet.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const idleRss = await worker.rssMb();

    // End to end, one room at a time, each booking followed by the anchor so both see the same
    // machine load: a room's bookings come back to back, as one client's do. (Alternating the rooms,
    // as this bench first did, put the `reject` room's store refresh beside every `allow` booking,
    // and hid that a `reject` booking arriving while its room's refresh ran was parked for 125-250 ms.)
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', prefer: 'wait=30' };
    const auth = `Basic ${Buffer.from(`${rooms!.username}:${rooms!.password}`).toString('base64')}`;
    const booking = { allow: [] as number[], reject: [] as number[] };
    const phases = { allow: [] as number[][], reject: [] as number[][] };
    const put: number[] = [];
    // CPU of the worker and the API per booking, from /proc: less noisy than wall time on a shared
    // machine. Each booking's share runs from its request to the next booking's, so it includes the
    // store refresh the booking queues (and the anchor's PUT, which costs these processes nothing).
    const cpu = { allow: { worker: 0, api: 0 }, reject: { worker: 0, api: 0 } };
    let mark: { policy: 'allow' | 'reject'; worker: number; api: number } | undefined;
    const cpuMark = async (next?: 'allow' | 'reject') => {
      const [workerMs, apiMs] = await Promise.all([worker.cpuMs(), api.cpuMs()]);
      if (mark) {
        cpu[mark.policy].worker += workerMs - mark.worker;
        cpu[mark.policy].api += apiMs - mark.api;
      }
      mark = next && { policy: next, worker: workerMs, api: apiMs };
    };
    const perRoom = ROUNDS + 5;
    for (let i = 0; i < 2 * perRoom; i++) {
      const policy = i < perRoom ? 'allow' : 'reject';
      const n = i % perRoom;
      await cpuMark(n >= 5 ? policy : undefined);
      const day = benchDay(n % 28);
      const hour = String(8 + Math.floor(n / 28)).padStart(2, '0');
      const sent = Date.now();
      let started = performance.now();
      const response = await fetch(`http://127.0.0.1:${apiPort}/api/latency-${policy}/events`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: `E2E ${i}`, start: `${day}T${hour}:00`, end: `${day}T${hour}:30` }),
      });
      await response.arrayBuffer();
      if (response.status !== 201) throw new Error(`booking answered ${response.status}`);
      const bookingMs = performance.now() - started;
      const answered = Date.now();
      // Sequential bookings: the newest completed job is this one.
      const [job] = await queue.getCompleted(0, 0);
      if (n >= 5) {
        booking[policy].push(bookingMs);
        if (job?.processedOn && job.finishedOn) {
          phases[policy].push([job.timestamp - sent, job.processedOn - job.timestamp, job.finishedOn - job.processedOn, answered - job.finishedOn]);
        }
      }
      const uid = `anchor-${i}-${randomBytes(4).toString('hex')}`;
      const ics = buildEvent({
        uid, summary: `E2E ${i}`, start: new Date(`${day}T${hour}:00:00Z`), end: new Date(`${day}T${hour}:30:00Z`),
        timeZone: 'Europe/Berlin', created: new Date(), stamp: new Date(),
      });
      started = performance.now();
      const written = await fetch(new URL(`${uid}.ics`, anchorUrl), {
        method: 'PUT',
        headers: { authorization: auth, 'content-type': 'text/calendar; charset=utf-8', 'if-none-match': '*' },
        body: ics,
      });
      await written.arrayBuffer();
      if (written.status !== 201) throw new Error(`anchor PUT answered ${written.status}`);
      const putMs = performance.now() - started;
      if (n >= 5) put.push(putMs);
    }
    await cpuMark();
    const split = (rows: number[][]) =>
      ['API to add', 'queued', 'worker', 'finished to answer'].map((label, k) => `${label} ${median(rows.map((r) => r[k]!)).toFixed(0)}`).join(', ');
    console.log(
      `booking end to end, Prefer: wait=30, ${ROUNDS} sequential per room, API and worker in their own processes, Radicale; ` +
        `worker ${settings ? `with ${[...workerNodeFlags, ...Object.entries(workerEnv).map(([k, v]) => `${k}=${v}`)].join(' ')}` : "with Node's defaults"}:`,
    );
    console.log(`  plain PUT         median ${ms(median(put))}   <- anchor, If-None-Match: * to the same Radicale`);
    for (const policy of ['allow', 'reject'] as const) {
      console.log(
        `  conflicts=${policy.padEnd(6)} median ${ms(median(booking[policy]))}, +${ms(median(booking[policy]) - median(put))} over the anchor` +
          `${policy === 'allow' ? ' (target <= +8 ms)' : ' (adds the conflict check: a REPORT of the room)'}; median ms: ${split(phases[policy])}; ` +
          `CPU per booking: worker ${ms(cpu[policy].worker / ROUNDS)}, API ${ms(cpu[policy].api / ROUNDS)}`,
      );
    }

    // Bursts: BURST bookings into one `allow` room at once (several clients booking one room), so
    // the worker's slots (WORKER_CONCURRENCY, 4) take them together and each waits for the room's
    // write lock in turn. Each burst's time is until its last answer.
    const bursts: number[] = [];
    for (let b = 0; b < BURSTS; b++) {
      const day = benchDay(b % 28);
      const started = performance.now();
      const answers = await Promise.all(
        Array.from({ length: BURST }, async (_, k) => {
          const response = await fetch(`http://127.0.0.1:${apiPort}/api/latency-allow/events`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ name: `Burst ${b}.${k}`, start: `${day}T${String(12 + k).padStart(2, '0')}:00`, end: `${day}T${String(12 + k).padStart(2, '0')}:30` }),
          });
          await response.arrayBuffer();
          return response.status;
        }),
      );
      if (answers.some((status) => status !== 201)) throw new Error(`a burst booking answered ${answers.join(', ')}`);
      bursts.push(performance.now() - started);
    }
    console.log(
      `  burst of ${BURST} at once into the allow room, until the last answer: median ${ms(median(bursts))} over ${BURSTS} bursts ` +
        `(${ms(median(bursts) / BURST)} per booking; one after another they take ${ms(median(booking.allow))} each)`,
    );

    // Soak: the worker's memory over many jobs (ROOMBOOK_BENCH_SOAK_JOBS=0 skips it).
    if (SOAK_JOBS <= 0) return;
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    const stubUrl = `http://127.0.0.1:${(stub.address() as { port: number }).port}`;
    const soakRooms: number[] = [];
    for (let r = 0; r < SOAK_ROOMS; r++) {
      // The default policy (reject): each job also reads its room (empty) and runs the conflict check.
      const row = await calendars.create({ slug: `soak-${r}`, url: `${stubUrl}/soak-${r}/`, username: 'u', password: 'p', timeZone: 'Europe/Berlin' });
      soakRooms.push(row.id);
    }
    const eventsConnection = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
    const events = new QueueEvents('calendar', { connection: eventsConnection, prefix });
    await events.waitUntilReady();
    const soak = async (from: number, count: number) => {
      let done = 0;
      let failed = 0;
      const finished = new Promise<void>((resolve) => {
        const settle = () => ++done + failed >= count && resolve();
        events.on('completed', settle);
        events.on('failed', () => {
          failed++;
          if (done + failed >= count) resolve();
        });
      });
      for (let i = from; i < from + count; i += 1000) {
        await queue.addBulk(
          Array.from({ length: Math.min(1000, from + count - i) }, (_, k) => {
            const n = i + k;
            const start = new Date(Date.UTC(2028, 0, 1) + n * 3_600_000);
            const data: CreateEventPayload = {
              calendarId: soakRooms[n % SOAK_ROOMS]!, userId: 1, uid: `soak-${n}`, name: `Soak ${n}`,
              start: start.toISOString(), end: new Date(start.getTime() + 1_800_000).toISOString(), timeZone: 'Europe/Berlin',
            };
            return { name: 'create-event', data, opts: { jobId: `soak-${n}` } };
          }),
        );
      }
      await finished;
      events.removeAllListeners('completed');
      events.removeAllListeners('failed');
      return failed;
    };
    await soak(0, 2000); // warm-up: JIT, pools, BullMQ's scripts
    const before = await worker.rssMb();
    const started = performance.now();
    // In tenths, so growth shows as a trend and not only as two points.
    const step = Math.max(1000, Math.ceil(SOAK_JOBS / 10));
    const series: number[] = [];
    let failed = 0;
    for (let done = 0; done < SOAK_JOBS; done += step) {
      failed += await soak(2000 + done, Math.min(step, SOAK_JOBS - done));
      series.push(await worker.rssMb());
    }
    const seconds = (performance.now() - started) / 1000;
    const after = series.at(-1)!;
    await events.close();
    // BullMQ does not close a connection it was handed; left open, it kept the bench from exiting.
    eventsConnection.disconnect();
    console.log(`worker memory soak, ${SOAK_JOBS.toLocaleString('en')} create jobs over ${SOAK_ROOMS} rooms (loopback PUT stub), ${seconds.toFixed(0)} s, ${Math.round(SOAK_JOBS / seconds)} jobs/s${failed ? `, ${failed} FAILED` : ''}:`);
    console.log(`  worker RSS        ${idleRss.toFixed(0)} MB idle at start, ${before.toFixed(0)} MB after 2,000 warm-up jobs -> ${after.toFixed(0)} MB after ${SOAK_JOBS.toLocaleString('en')} more (target: no growth, < 200 MB)`);
    console.log(`  RSS every ${step.toLocaleString('en')} jobs  ${series.map((v) => v.toFixed(0)).join(' ')} MB`);
    console.log(`  stub requests     ${[...stubRequests].map(([kind, n]) => `${kind} ${n.toLocaleString('en')}`).join(', ')} (warm-up included)`);
  } finally {
    for (const child of children.reverse()) await child.stop();
    stub.close();
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    redis.disconnect();
    await db.close();
    await radicale.stop();
    await database.drop();
  }
}
