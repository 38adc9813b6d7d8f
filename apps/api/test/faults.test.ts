import { runCli } from '@roombook/cli';
import { createAuditLogRepository } from '@roombook/db';
import { getObject, makeCalendar, putObject, startCalDavFaultProxy, uniqueName, type CalDavFaultProxy } from '@roombook/testing';
import type { RunningWorkers } from '@roombook/worker';
import ICAL from 'ical.js';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';

import { TEST_SECRET_KEY, bearer, buildTestApp, seedUser, type Fixture, startTestWorkers } from './helper.js';
import { day, event } from './ics.js';

const [rooms] = inject('radicaleUsers');

/**
 * Issue 7: the CalDAV server carries a write out and the answer never arrives (the fault proxy
 * forwards the request, then drops the connection), or a proxy in front of it answers 502 with an
 * HTML page. Nothing may be lost: the object goes (or is edited) once, the audit log keeps its full
 * text, the job completes, and `audit restore` puts it back.
 */
describe('CalDAV faults: outcome unknown, 502 pages, a dead server', () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let workers: RunningWorkers;
  let proxy: CalDavFaultProxy;

  beforeAll(async () => {
    ctx = await buildTestApp();
    proxy = await startCalDavFaultProxy(inject('radicaleUrl'));
    workers = await startTestWorkers(ctx.config);
  });
  afterEach(() => proxy.clearRules());
  afterAll(async () => {
    await workers.close();
    await proxy.close();
    await ctx.app.close();
    await ctx.db.close();
  });

  const audit = () => createAuditLogRepository(ctx.db.db);

  /** A Radicale collection, reached by the service only through the proxy. */
  async function room(): Promise<{ fixture: Fixture; collection: string; path: string }> {
    const collection = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('faults'));
    const fixture = await seedUser(ctx.db, proxy.proxied(collection));
    return { fixture, collection, path: new URL(collection).pathname };
  }

  const clear = (fixture: Fixture, wait = true) =>
    ctx.app.inject({
      method: 'DELETE',
      url: `/api/clear-bookings?calendar=${fixture.calendar.slug}`,
      headers: { ...bearer(fixture.token), ...(wait && { prefer: 'wait=60' }) },
    });

  async function restore(auditId: number): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['audit', 'restore', String(auditId), '--json'], {
      stdout: (s) => out.push(s),
      stderr: (s) => err.push(s),
      env: { DATABASE_URL: ctx.config.DATABASE_URL, SECRET_KEY: TEST_SECRET_KEY },
    });
    return { code, out: out.join(''), err: err.join('') };
  }

  it('delete: the DELETE is carried out but its answer is lost -> 204, one applied audit entry with the full text, restorable', async () => {
    const { fixture, collection, path } = await room();
    const href = await putObject(collection, rooms!, 'lost-answer.ics', event({ uid: 'lost-answer', summary: 'Planning', date: day(3), from: '1000', to: '1100', created: '20260101T080000Z' }));
    // as the server stores it (Radicale re-serialises what it is sent)
    const text = (await getObject(href, rooms!))!;
    proxy.addRule({ method: 'DELETE', pathIncludes: path, calls: 1, action: { kind: 'drop-after-forward' } });

    const response = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/${fixture.calendar.slug}/events/lost-answer`,
      headers: { ...bearer(fixture.token), prefer: 'wait=60' },
    });
    expect(response.statusCode).toBe(204);
    const deletes = proxy.requests.filter((r) => r.method === 'DELETE' && r.path.startsWith(path));
    expect(deletes.map((r) => [r.action, r.upstreamStatus === 200 || r.upstreamStatus === 204])).toEqual([['drop-after-forward', true]]);
    expect(await getObject(href, rooms!)).toBeUndefined();

    const entries = await audit().list({ calendarId: fixture.calendar.id });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ uid: 'lost-answer', action: 'deleted', state: 'applied' });
    expect((await audit().require(entries[0]!.id)).previousIcal).toBe(text);

    const restored = await restore(entries[0]!.id);
    expect(restored.err).toBe('');
    expect(restored.code).toBe(0);
    expect(await getObject(href, rooms!)).toBe(text);
  });

  it('clear: a DELETE and a series edit whose answers are lost -> 200 with both applied, one audit entry each, both restorable', async () => {
    const { fixture, collection, path } = await room();
    await putObject(collection, rooms!, 'keeper.ics', event({ uid: 'keeper', summary: 'Finance', date: day(2), from: '1000', to: '1200', created: '20260101T080000Z' }));
    await putObject(collection, rooms!, 'blocker.ics', event({ uid: 'blocker', summary: 'Council', date: day(4), from: '1400', to: '1500', created: '20260101T080000Z' }));
    const loserHref = await putObject(collection, rooms!, 'loser.ics', event({ uid: 'loser', summary: 'Sales', date: day(2), from: '1100', to: '1300', created: '20260301T080000Z' }));
    const seriesHref = await putObject(collection, rooms!, 'series.ics', event({ uid: 'series', summary: 'Interviews', date: day(4), from: '1430', to: '1530', created: '20260601T080000Z', extra: ['RRULE:FREQ=WEEKLY;COUNT=3'] }));
    const loser = (await getObject(loserHref, rooms!))!;
    const series = (await getObject(seriesHref, rooms!))!;
    proxy.addRule({ method: ['DELETE', 'PUT'], pathIncludes: path, calls: { to: 2 }, action: { kind: 'drop-after-forward' } });

    const response = await clear(fixture);
    expect(response.statusCode).toBe(200);
    const report = response.json();
    expect(report.deleted_overlapping_events).toMatchObject([{ event: { uid: 'loser' }, status: 'applied' }]);
    expect(report.cancelled_overlapping_recurring_events).toMatchObject([{ event: { uid: 'series' }, status: 'applied' }]);
    expect(await getObject(loserHref, rooms!)).toBeUndefined();
    // each write went out once: the retry found them done instead of writing again
    expect([proxy.count('DELETE', path), proxy.count('PUT', path)]).toEqual([1, 1]);
    const edited = new ICAL.Component(ICAL.parse((await getObject(seriesHref, rooms!))!));
    expect(edited.getAllSubcomponents('vevent').filter((v) => v.getFirstPropertyValue('status') === 'CANCELLED')).toHaveLength(1);

    const entries = await audit().list({ calendarId: fixture.calendar.id });
    expect(entries.map((e) => `${e.uid}:${e.action}:${e.state}`).sort()).toEqual(['loser:deleted:applied', 'series:cancelled:applied']);
    const byUid = Object.fromEntries(await Promise.all(entries.map(async (e) => [e.uid, await audit().require(e.id)] as const)));
    expect(byUid['loser']!.previousIcal).toBe(loser);
    expect(byUid['series']!.previousIcal).toBe(series);

    // The reconcile stored the ETag it found after the series edit, so reverting it is checked.
    for (const entry of entries) {
      const restored = await restore(entry.id);
      expect(restored.err).toBe('');
      expect(restored.code).toBe(0);
    }
    expect(await getObject(loserHref, rooms!)).toBe(loser);
    expect(await getObject(seriesHref, rooms!)).toBe(series);
  });

  it('audit restore: the re-creating PUT is carried out but its answer is lost -> restored, one applied restore entry', async () => {
    const { fixture, collection, path } = await room();
    await putObject(collection, rooms!, 'keeper.ics', event({ uid: 'keeper', summary: 'Finance', date: day(2), from: '1000', to: '1200', created: '20260101T080000Z' }));
    const loserHref = await putObject(collection, rooms!, 'loser.ics', event({ uid: 'loser', summary: 'Sales', date: day(2), from: '1100', to: '1300', created: '20260301T080000Z' }));
    const loser = (await getObject(loserHref, rooms!))!;
    expect((await clear(fixture)).statusCode).toBe(200);
    const [deleted] = await audit().list({ calendarId: fixture.calendar.id });
    expect(deleted).toMatchObject({ uid: 'loser', state: 'applied' });

    proxy.addRule({ method: 'PUT', pathIncludes: path, calls: 1, action: { kind: 'drop-after-forward' } });
    const restored = await restore(deleted!.id);
    expect(restored.err).toBe('');
    expect(restored.code).toBe(0);
    expect(JSON.parse(restored.out)).toMatchObject({ id: deleted!.id, method: 'recreated' });
    expect(proxy.count('PUT', path)).toBe(1);
    expect(await getObject(loserHref, rooms!)).toBe(loser);
    const entries = await audit().list({ calendarId: fixture.calendar.id });
    expect(entries.map((e) => `${e.action}:${e.state}`).sort()).toEqual(['deleted:applied', 'restored:applied']);
  });

  it('a pending entry whose object is not on the calendar\'s server any more is marked failed, not blocking the calendar', async () => {
    const { fixture, collection } = await room();
    const href = await putObject(collection, rooms!, 'kept.ics', event({ uid: 'kept', summary: 'Kept', date: day(3), from: '1000', to: '1100', created: '20260101T080000Z' }));
    const stale = await audit().record({
      calendarId: fixture.calendar.id, uid: 'elsewhere', recurrenceId: null, action: 'deleted', href: 'https://old-server.example.org/rooms/x.ics',
      previousIcal: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', etagBefore: '"e"', textAfter: null, state: 'pending', jobId: 'old-job', userId: null,
    });
    const response = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/${fixture.calendar.slug}/events/kept`,
      headers: { ...bearer(fixture.token), prefer: 'wait=60' },
    });
    expect(response.statusCode).toBe(204);
    expect(await getObject(href, rooms!)).toBeUndefined();
    const entry = await audit().require(stale.id);
    expect(entry.state).toBe('failed');
    expect(entry.error).toContain('not on the calendar');
  });

  it('a proxy\'s 502 HTML page is transient: the clear retries and completes', async () => {
    const { fixture, collection, path } = await room();
    await putObject(collection, rooms!, 'keeper.ics', event({ uid: 'keeper', summary: 'Finance', date: day(2), from: '1000', to: '1200', created: '20260101T080000Z' }));
    const loserHref = await putObject(collection, rooms!, 'loser.ics', event({ uid: 'loser', summary: 'Sales', date: day(2), from: '1100', to: '1300', created: '20260301T080000Z' }));
    proxy.addRule({ method: 'DELETE', pathIncludes: path, calls: 1, action: { kind: 'bad-gateway' } });

    const response = await clear(fixture);
    expect(response.statusCode).toBe(200);
    expect(response.json().deleted_overlapping_events).toMatchObject([{ event: { uid: 'loser' }, status: 'applied' }]);
    expect(proxy.count('DELETE', path)).toBe(2);
    expect(await getObject(loserHref, rooms!)).toBeUndefined();
    const entries = await audit().list({ calendarId: fixture.calendar.id });
    expect(entries.map((e) => `${e.uid}:${e.state}`)).toEqual(['loser:applied']);
  });

  it('a dead server: the clear stops after a few failures in a row, says what was not done, and finishes on retry', async () => {
    const { fixture, collection, path } = await room();
    await putObject(collection, rooms!, 'keeper.ics', event({ uid: 'keeper', summary: 'Finance', date: day(2), from: '0800', to: '1800', created: '20260101T080000Z' }));
    const losers: string[] = [];
    for (let i = 0; i < 6; i++) {
      losers.push(await putObject(collection, rooms!, `loser-${i}.ics`, event({ uid: `loser-${i}`, summary: `Loser ${i}`, date: day(2), from: `${10 + i}00`, to: `${10 + i}30`, created: '20260301T080000Z' })));
    }
    const remove = proxy.addRule({ method: 'DELETE', pathIncludes: path, action: { kind: 'bad-gateway' } });

    const accepted = await clear(fixture, false);
    expect(accepted.statusCode).toBe(202);
    const jobUrl = accepted.json().jobs?.[0]?.url ?? accepted.json().job.url;
    let progress: { phase?: string; report?: { deleted_overlapping_events: { status: string; error?: string }[] } } = {};
    for (let i = 0; i < 200 && progress.phase !== 'stopped'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      progress = (await ctx.app.inject({ method: 'GET', url: jobUrl, headers: bearer(fixture.token) })).json().progress ?? {};
    }
    expect(progress.phase).toBe('stopped');
    // three DELETEs answered 502, then it stopped: the other three were not sent
    expect(proxy.count('DELETE', path)).toBe(3);
    const items = progress.report!.deleted_overlapping_events;
    expect(items).toHaveLength(6);
    expect(items.filter((i) => i.status === 'failed' && i.error?.startsWith('not attempted'))).toHaveLength(3);
    // a 502 proves nothing about a write: the three tried stay pending, to be reconciled on retry
    const tried = await audit().list({ calendarId: fixture.calendar.id });
    expect(tried.map((e) => e.state)).toEqual(['pending', 'pending', 'pending']);

    remove();
    let state = '';
    let job: { state: string; result: { deleted_overlapping_events: { status: string }[] } } | undefined;
    for (let i = 0; i < 400 && state !== 'completed' && state !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      job = (await ctx.app.inject({ method: 'GET', url: jobUrl, headers: bearer(fixture.token) })).json();
      state = job!.state;
    }
    expect(state).toBe('completed');
    expect(job!.result.deleted_overlapping_events.map((i) => i.status)).toEqual(Array(6).fill('applied'));
    for (const href of losers) expect(await getObject(href, rooms!)).toBeUndefined();
    const entries = await audit().list({ calendarId: fixture.calendar.id });
    expect(entries.map((e) => e.uid).sort()).toEqual(['loser-0', 'loser-1', 'loser-2', 'loser-3', 'loser-4', 'loser-5']);
    expect(new Set(entries.map((e) => e.state))).toEqual(new Set(['applied']));
  });
});
