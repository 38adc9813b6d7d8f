import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { createCalDavClient } from '@roombook/caldav';
import { makeCalendar, putObject, startCalDavFaultProxy, uniqueName, type CalDavFaultProxy } from '@roombook/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { TEST_SECRET_KEY, bearer, buildTestApp, seedUser, type Fixture } from './helper.js';
import { day, event } from './ics.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** The real worker entry point in a child process. */
function spawnWorker(env: Record<string, string>): { child: ChildProcess; started: Promise<void>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'apps/worker/src/main.ts'], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const started = new Promise<void>((resolve, reject) => {
    const look = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker started')) resolve();
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before starting: ${output}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, started, exited };
}

const isoDay = (offset: number) => {
  const d = day(offset);
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
};

/**
 * Three worker processes share one calendar's stream of creates, deletes and clears, through the
 * CalDAV fault proxy that slows every write down (a wider window for two writers to meet). The
 * per-calendar lock must keep the proxy from ever seeing two writes to that calendar in flight at
 * once, and every booking the API accepted must be on the server at the end.
 */
describe('three worker processes on one calendar', () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let proxy: CalDavFaultProxy;
  let room: Fixture;
  let collection: string;
  let proxied: string;
  const workers: ReturnType<typeof spawnWorker>[] = [];
  const [rooms] = inject('radicaleUsers');

  beforeAll(async () => {
    ctx = await buildTestApp();
    collection = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('three'));
    proxy = await startCalDavFaultProxy(inject('radicaleUrl'));
    proxied = proxy.proxied(collection);
    room = await seedUser(ctx.db, proxied);
    const env = {
      DATABASE_URL: ctx.config.DATABASE_URL, REDIS_URL: ctx.config.REDIS_URL, QUEUE_PREFIX: ctx.config.QUEUE_PREFIX,
      SECRET_KEY: TEST_SECRET_KEY, LOG_LEVEL: 'info', WORKER_CONCURRENCY: '3', CALDAV_TIMEOUT_MS: '10000',
    };
    for (let i = 0; i < 3; i++) workers.push(spawnWorker(env));
    await Promise.all(workers.map((w) => w.started));
  }, 120_000);

  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    await proxy?.close();
    await ctx?.app.close();
    await ctx?.db.close();
  });

  it('never lets two writes to the calendar overlap, and loses no accepted booking', async () => {
    // Written straight to the server: overlapping pairs (the later one loses in a clear), and
    // bookings that the stream cancels.
    for (let i = 0; i < 6; i++) {
      await putObject(collection, rooms!, `keep-${i}.ics`, event({ uid: `keep-${i}`, summary: `Keep ${i}`, date: day(2 + i), from: '1000', to: '1200', created: '20260101T080000Z' }));
      await putObject(collection, rooms!, `lose-${i}.ics`, event({ uid: `lose-${i}`, summary: `Lose ${i}`, date: day(2 + i), from: '1100', to: '1300', created: '20260301T080000Z' }));
    }
    for (let i = 0; i < 4; i++) {
      await putObject(collection, rooms!, `cancel-${i}.ics`, event({ uid: `cancel-${i}`, summary: `Cancel ${i}`, date: day(10 + i), from: '0800', to: '0900', created: '20260101T080000Z' }));
    }
    const writePath = new URL(proxied).pathname;
    proxy.addRule({ method: ['PUT', 'DELETE'], pathIncludes: writePath, action: { kind: 'delay', ms: 40 } });

    const jobs: string[] = [];
    const accepted: string[] = [];
    const submit = async (request: { method: 'POST' | 'DELETE'; url: string; payload?: object }) => {
      const response = await ctx.app.inject({ ...request, headers: bearer(room.token) });
      expect(response.statusCode).toBe(202);
      const body = response.json();
      jobs.push(body.job.id);
      return body;
    };
    for (let n = 0; n < 24; n++) {
      const created = await submit({
        method: 'POST', url: `/api/${room.calendar.slug}/events`,
        payload: { name: `Stream ${n}`, start: `${isoDay(20 + (n % 8))}T${String(8 + Math.floor(n / 8)).padStart(2, '0')}:00`, end: `${isoDay(20 + (n % 8))}T${String(8 + Math.floor(n / 8)).padStart(2, '0')}:45` },
      });
      accepted.push(created.id);
      if (n % 6 === 2) await submit({ method: 'DELETE', url: `/api/${room.calendar.slug}/events/cancel-${(n - 2) / 6}` });
      if (n % 8 === 5) {
        const clear = await submit({ method: 'DELETE', url: `/api/clear-bookings?calendar=${room.calendar.slug}` });
        jobs.push(...(clear.jobs ?? []).map((j: { id: string }) => j.id).filter((id: string) => id !== clear.job.id));
      }
    }

    const states = new Map<string, string>();
    for (let i = 0; i < 1200; i++) {
      await Promise.all(
        jobs.filter((id) => states.get(id) !== 'completed').map(async (id) => {
          const view = (await ctx.app.inject({ url: `/api/jobs/${id}`, headers: bearer(room.token) })).json();
          states.set(id, view.state === 'failed' ? `failed: ${view.error?.message ?? ''}` : view.state);
        }),
      );
      if ([...states.values()].every((s) => s === 'completed' || s.startsWith('failed'))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect([...states.values()].filter((s) => s !== 'completed')).toEqual([]);

    expect(proxy.maxConcurrentWrites(writePath)).toBe(1);
    // the stream did write: 24 creates, 4 cancellations, 6 losers
    expect(proxy.count('PUT', writePath)).toBeGreaterThanOrEqual(24);
    expect(proxy.count('DELETE', writePath)).toBeGreaterThanOrEqual(10);

    const client = createCalDavClient({ url: collection, username: rooms!.username, password: rooms!.password });
    const objects = await client.fetchObjects();
    const uids = objects.map((o) => /^UID:(.+)$/m.exec(o.data)?.[1]?.trim()).sort();
    expect(uids).toEqual([...accepted, ...[0, 1, 2, 3, 4, 5].map((i) => `keep-${i}`)].sort());
  }, 180_000);
});
