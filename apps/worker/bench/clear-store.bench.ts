import { BenchEnv, loadConfig, processEnv } from '@roombook/config';
/**
 * Incremental clearing (issue 9): a busy room's year — 8,500 objects (see busyYear) — cleared in test mode by this process's own worker (startWorkers, as the real process
 * runs it), with the calendar store in a fresh PostgreSQL database. The objects are served by a
 * loopback CalDAV stub answering exactly what the worker asks (PROPFIND sync-token/getctag,
 * calendar-query ETag listing, calendar-multiget, sync-collection) from memory: Radicale needs over
 * five minutes just to index 8,500 objects on its first listing, and the figures are the worker's.
 *
 * - cold expansion + plan: every object expanded into the store's form and the year planned, in
 *   process, as the first refresh of a calendar does it (target < 0.5 s);
 * - first dry-run clear: the store is empty, so everything is fetched, expanded and written, with the
 *   worker's peak RSS while it runs (target < 200 MB);
 * - second dry-run clear of the unchanged calendar: process CPU (user + system) around the job
 *   (target < 150 ms), median of several, the worker's peak RSS over all clears, and the size of
 *   the job result BullMQ keeps (the report's summary and the key of the report, stored once);
 * - a refresh that lists the unchanged calendar (every member's ETag compared with the store), as a
 *   clear that deletes does first and a scheduled refresh does once an hour.
 * The worker runs as a process of its own (apps/worker/dist, built by `npm run bench`); its CPU and
 * peak RSS come from /proc. `ROOMBOOK_BENCH_CPU_PROF=DIR` writes its V8 CPU profile into DIR.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { planClearing } from '@roombook/booking';
import { createCalendarsRepository, createDatabase, createSecretBox, schema } from '@roombook/db';
import {
  QueueName,
  CalendarJob,
  MirrorJob,
  isExpiredClearReport,
  resolveClearResult,
  type ClearCalendarPayload,
  type ClearReport,
  type RefreshCalendarPayload,
  type RefreshCalendarResult,
} from '@roombook/queue';
import { busyYear, createTestDatabase, YEAR_OBJECTS, YEAR_ROOM, YEAR_ZONE } from '@roombook/testing';
import { Queue, QueueEvents } from 'bullmq';
import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';

import { toOccurrence } from '../src/clearing/occurrences.js';
import { workerEnv, workerNodeFlags } from '../src/process-settings.js';
import { storedObject } from '../src/store/stored-object.js';
import { expandKeyOf, storeWindow } from '../src/store/store-window.js';

const bench = loadConfig(BenchEnv, processEnv());


const OBJECTS = YEAR_OBJECTS;
const SECOND_RUNS = 5;
const SECRET = 'bench-secret-key-0123456789';
const ZONE = YEAR_ZONE;
const ROOM = YEAR_ROOM;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** The built worker (apps/worker/dist/main.js) as a process of its own. */
function startWorker(env: Record<string, string>, nodeArgs: string[]): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, join(repoRoot, 'apps/worker/dist/main.js')], {
    cwd: repoRoot,
    env: { ...processEnv(), ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** A process's CPU time (user + system) so far, from /proc (Linux; clock ticks of 10 ms). */
async function procCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** VmRSS (now) or VmHWM (peak since start) of a process, in MB. */
async function procStatusMb(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) / 1024;
}
const verdict = (value: number, target: number) => (value < target ? 'met' : `MISSED by ${(value - target).toFixed(0)}`);

/** The issue's busy year (@roombook/testing's busyYear) from today: the worker's clearing window starts today. */
function yearFromToday(size: number): { ics: string }[] {
  const today = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  return busyYear(size, today).map((ics) => ({ ics }));
}

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A read-only CalDAV collection of these objects at /rooms/bench-year/, as a CalDAV server answers. */
async function startStub(objects: { ics: string }[]): Promise<{ url: string; server: Server; requests: Map<string, number> }> {
  const base = '/rooms/bench-year/';
  const byHref = new Map(objects.map((o, i) => [`${base}object-${i}.ics`, { etag: `"etag-${i}"`, ics: o.ics }]));
  const token = 'http://stub.invalid/sync/1';
  const requests = new Map<string, number>();
  const multistatus = (responses: string[], extra = '') =>
    `<?xml version="1.0" encoding="utf-8"?>\n<d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:cs="http://calendarserver.org/ns/">${responses.join('')}${extra}</d:multistatus>`;
  const entry = (href: string, props: string) => `<d:response><d:href>${href}</d:href><d:propstat><d:prop>${props}</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>`;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const kind = request.method === 'PROPFIND' ? 'PROPFIND' : /calendar-multiget/.test(body) ? 'multiget' : /sync-collection/.test(body) ? 'sync-collection' : 'calendar-query';
      requests.set(kind, (requests.get(kind) ?? 0) + 1);
      let out: string;
      if (kind === 'PROPFIND') out = multistatus([entry(base, `<d:sync-token>${token}</d:sync-token><cs:getctag>ctag-1</cs:getctag>`)]);
      else if (kind === 'multiget') {
        const hrefs = [...body.matchAll(/<d:href>([^<]+)<\/d:href>/g)].map((m) => m[1]!);
        out = multistatus(hrefs.flatMap((href) => {
          const object = byHref.get(href);
          return object ? [entry(href, `<d:getetag>${object.etag}</d:getetag><c:calendar-data>${xml(object.ics)}</c:calendar-data>`)] : [];
        }));
      } else if (kind === 'sync-collection') {
        const changed = body.includes(`>${token}<`) ? [] : [...byHref].map(([href, o]) => entry(href, `<d:getetag>${o.etag}</d:getetag>`));
        out = multistatus(changed, `<d:sync-token>${token}</d:sync-token>`);
      } else out = multistatus([...byHref].map(([href, o]) => entry(href, `<d:getetag>${o.etag}</d:getetag>`)));
      response.writeHead(207, { 'content-type': 'application/xml; charset=utf-8' });
      response.end(out);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${base}`, server, requests };
}

export async function run(): Promise<void> {
  const objects = yearFromToday(OBJECTS);
  const calendar = { id: 0, timeZone: ZONE, horizonDays: 365, roomEmail: ROOM };

  // Cold expansion + plan, in process: what the first refresh and the plan cost in CPU.
  {
    const now = new Date();
    const window = storeWindow(now, calendar);
    const settings = { window, timeZone: ZONE, roomAddresses: [ROOM], expandKey: expandKeyOf(calendar) };
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const rows = objects.map((o, i) => storedObject({ href: `/rooms/bench/${i}.ics`, etag: `"${i}"`, data: o.ics }, settings));
    const occurrences = rows.flatMap((row) => (row.occurrences as Parameters<typeof toOccurrence>[1][]).map((s) => toOccurrence(row.href, s, () => false)));
    const expandMs = performance.now() - t0;
    const plan = planClearing({ occurrences, priorityTokens: [], now, timeZone: ZONE });
    const totalMs = performance.now() - t0;
    const cpu = cpuMs(cpu0);
    console.log(
      `cold expansion + plan, ${OBJECTS} objects, ${occurrences.length} occurrences: ${totalMs.toFixed(0)} ms wall ` +
        `(expand ${expandMs.toFixed(0)} ms, plan ${(totalMs - expandMs).toFixed(0)} ms), ${cpu.toFixed(0)} ms CPU; ` +
        `${plan.losers.length} losers — target < 500 ms: ${verdict(totalMs, 500)}`,
    );
  }

  const database = await createTestDatabase();
  const stub = await startStub(objects);
  const prefix = `bench-${randomBytes(3).toString('hex')}`;
  const db = createDatabase(database.url, { max: 2 });
  const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const queue = new Queue(QueueName.calendar, { connection: redis, prefix });
  const eventsConnection = redis.duplicate();
  const events = new QueueEvents(QueueName.calendar, { connection: eventsConnection, prefix });
  const mirror = new Queue(QueueName.mirror, { connection: redis, prefix });
  const mirrorEventsConnection = redis.duplicate();
  const mirrorEvents = new QueueEvents(QueueName.mirror, { connection: mirrorEventsConnection, prefix });
  let worker: ChildProcess | undefined;
  try {
    const row = await createCalendarsRepository(db.db, createSecretBox(SECRET)).create({
      slug: 'bench-year', url: stub.url, username: 'rooms', password: 'rooms-pass', timeZone: ZONE, roomEmail: ROOM,
    });

    const profile = bench.ROOMBOOK_BENCH_CPU_PROF;
    // Started as every launcher starts it, with its memory settings (src/process-settings.ts): the
    // peak RSS of a clear is one of the issue's figures. ROOMBOOK_BENCH_WORKER_SETTINGS=false: Node's defaults.
    const settings = bench.ROOMBOOK_BENCH_WORKER_SETTINGS;
    worker = startWorker(
      { ...(settings ? workerEnv : {}), DATABASE_URL: database.url, QUEUE_PREFIX: prefix, SECRET_KEY: SECRET, LOG_LEVEL: 'warn', MIRROR_REFRESH_SECONDS: '3600', WORKER_CONCURRENCY: '1' },
      [...(settings ? workerNodeFlags : []), ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [])],
    );
    const pid = worker.pid!;
    while ((await queue.getWorkers()).length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    await Promise.all([events.waitUntilReady(), mirrorEvents.waitUntilReady()]);
    let resultBytes = 0;
    /** Runs a dry-run clear; the report is read here, after the worker's figures are taken (see below). */
    const clear = async () => {
      const data: ClearCalendarPayload = { calendarId: row.id, userId: null, test: true, trigger: 'cli' };
      const job = await queue.add(CalendarJob.clearCalendar, data);
      const returned: unknown = await job.waitUntilFinished(events, 600_000);
      resultBytes = Buffer.byteLength(JSON.stringify(returned));
      return returned;
    };
    const reportOf = async (returned: unknown): Promise<ClearReport> => {
      const report = await resolveClearResult(redis, returned);
      if (isExpiredClearReport(report)) throw new Error('the stored report expired during the bench');
      return report;
    };

    const rssBefore = await procStatusMb(pid, 'VmRSS');
    let cpu0 = await procCpuMs(pid);
    let t0 = performance.now();
    const firstReturned = await clear();
    const firstWall = performance.now() - t0;
    const firstCpu = (await procCpuMs(pid)) - cpu0;
    const peakFirst = await procStatusMb(pid, 'VmHWM');
    const first = await reportOf(firstReturned);
    console.log(
      `first dry-run clear (store empty: fetch ${OBJECTS} objects, expand, write the store, plan): ${firstWall.toFixed(0)} ms wall, ` +
        `worker ${firstCpu.toFixed(0)} ms CPU; ${first.deleted_overlapping_events.length + first.cancelled_overlapping_recurring_events.length} losers planned; ` +
        `worker RSS ${rssBefore.toFixed(0)} MB idle, peak ${peakFirst.toFixed(0)} MB — target < 200 MB: ${verdict(peakFirst, 200)}`,
    );

    const cpus: number[] = [];
    const walls: number[] = [];
    let secondReturned: unknown;
    for (let i = 0; i < SECOND_RUNS; i++) {
      cpu0 = await procCpuMs(pid);
      t0 = performance.now();
      secondReturned = await clear();
      walls.push(performance.now() - t0);
      cpus.push((await procCpuMs(pid)) - cpu0);
    }
    const peakAll = await procStatusMb(pid, 'VmHWM');
    const second = await reportOf(secondReturned);
    const same = JSON.stringify(second?.deleted_overlapping_events) === JSON.stringify(first.deleted_overlapping_events);
    console.log(
      `second dry-run clear (unchanged): worker median ${median(cpus).toFixed(0)} ms CPU (runs: ${cpus.map((c) => c.toFixed(0)).join(', ')}), ` +
        `${median(walls).toFixed(0)} ms wall; same plan as the first: ${same} — target < 150 ms CPU: ${verdict(median(cpus), 150)}; ` +
        `worker peak RSS over all clears ${peakAll.toFixed(0)} MB — target < 200 MB: ${verdict(peakAll, 200)}; ` +
        `job result (what BullMQ stores) ${resultBytes} bytes, the report it points to stored once in Redis`,
    );
    console.log(`requests to the CalDAV server, all clears: ${[...stub.requests].map(([k, n]) => `${k} ${n}`).join(', ')}`);

    // The listing a clear that deletes starts with (and a scheduled refresh makes hourly), alone: a
    // scheduled refresh whose last listing is forgotten, so it lists; nothing has changed to fetch.
    const listCpus: number[] = [];
    const listWalls: number[] = [];
    let listed: RefreshCalendarResult | undefined;
    for (let i = 0; i < 3; i++) {
      await db.db.update(schema.calendars).set({ mirrorListedAt: null }).where(eq(schema.calendars.id, row.id));
      cpu0 = await procCpuMs(pid);
      t0 = performance.now();
      const data: RefreshCalendarPayload = { calendarId: row.id, reason: 'schedule' };
      listed = (await (await mirror.add(MirrorJob.refresh, data)).waitUntilFinished(mirrorEvents, 600_000)) as RefreshCalendarResult;
      listWalls.push(performance.now() - t0);
      listCpus.push((await procCpuMs(pid)) - cpu0);
    }
    console.log(
      `refresh by listing (unchanged, ${listed?.method}, ${listed?.fetched} fetched, ${listed?.objects} objects): worker median ${median(listCpus).toFixed(0)} ms CPU ` +
        `(runs: ${listCpus.map((c) => c.toFixed(0)).join(', ')}), ${median(listWalls).toFixed(0)} ms wall — what a clear that deletes adds before planning`,
    );

    // Anchor in the same run: what handing this report to BullMQ as the job's result cost before the
    // report was stored apart (the second dry run's floor then) — BullMQ 6 serialises a return value
    // twice (Job.moveToCompleted, then its Redis backend) and ioredis measures the string once
    // before writing it. A dry run of an unchanged calendar now pays one EXPIRE instead.
    const result = second;
    const storeCpus: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 3; i++) {
      const cpu = process.cpuUsage();
      let json = JSON.stringify(result);
      json = JSON.stringify(result);
      bytes = Buffer.byteLength(json);
      storeCpus.push(cpuMs(cpu));
    }
    console.log(
      `anchor, the old job result (the whole report as BullMQ's return value): the report is ${(bytes / 1e6).toFixed(1)} MB of JSON; 2x JSON.stringify + Buffer.byteLength of it ` +
        `${median(storeCpus).toFixed(0)} ms CPU (median of 3, this process); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    );
  } finally {
    if (worker) await stopWorker(worker);
    await Promise.all([events.close(), mirrorEvents.close()]);
    await queue.obliterate({ force: true }).catch(() => {});
    await mirror.obliterate({ force: true }).catch(() => {});
    await mirror.close();
    // The reports live beside the queue, not in it (~10 MB each, kept 24 h): gone with the run.
    const reports = await redis.keys(`${prefix}:clear-report*`).catch(() => []);
    if (reports.length > 0) await redis.del(...reports).catch(() => {});
    await queue.close();
    eventsConnection.disconnect();
    mirrorEventsConnection.disconnect();
    redis.disconnect();
    await db.close();
    await new Promise((resolve) => stub.server.close(resolve));
    await database.drop();
  }
}
