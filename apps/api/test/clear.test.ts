import { runCli } from '@roombook/cli';
import { createAuditLogRepository, createCalendarsRepository, createPriorityTokensRepository, createUsersRepository } from '@roombook/db';
import { basicAuth, getObject, makeCalendar, putObject, uniqueName } from '@roombook/testing';
import { completedJobRetentionSeconds, isStoredClearResult, type StoredClearResult } from '@roombook/queue';
import type { RunningWorkers } from '@roombook/worker';
import { Queue } from 'bullmq';
import ICAL from 'ical.js';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { TEST_SECRET_KEY, bearer, buildTestApp, seedUser, startTestWorkers, type Fixture } from './helper.js';
import { day, event } from './ics.js';

describe('clearing a room calendar over the API', () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let workers: RunningWorkers;
  let fixture: Fixture;
  let collection: string;
  const [rooms] = inject('radicaleUsers');
  const href: Record<string, string> = {};
  let before: Record<string, string | undefined> = {};
  let token: string;

  const snapshot = async () =>
    Object.fromEntries(await Promise.all(Object.entries(href).map(async ([k, url]) => [k, await getObject(url, rooms!)] as const)));

  const clear = async (query: string) => {
    const response = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/clear-bookings?calendar=${fixture.calendar.slug}${query}`,
      headers: { ...bearer(fixture.token), prefer: 'wait=60' },
    });
    expect(response.statusCode).toBe(200);
    return response.json();
  };

  beforeAll(async () => {
    ctx = await buildTestApp();
    collection = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('clear'));
    fixture = await seedUser(ctx.db, collection);
    token = (await createPriorityTokensRepository(ctx.db.db).create({ calendarId: fixture.calendar.id, label: 'board' })).token;
    workers = await startTestWorkers(ctx.config);
    const put = async (key: string, file: string, ics: string) => (href[key] = await putObject(collection, rooms!, file, ics));
    const d1 = day(3);
    // earlier booking keeps the room; the later overlapping one goes
    await put('finance', 'finance.ics', event({ uid: 'finance-1', summary: 'Finance Monthly', date: d1, from: '1000', to: '1200', created: '20260101T080000Z', extra: ['ORGANIZER:mailto:head-of-finance@example.org'] }));
    await put('fundraising', 'fundraising.ics', event({ uid: 'fundraising-1', summary: 'Fundraising', date: d1, from: '1100', to: '1300', created: '20260301T080000Z', extra: ['ORGANIZER:mailto:head-of-fundraising@example.org'] }));
    // touching is not overlapping; transparent never blocks; a cancelled leftover is deleted
    await put('touching', 'touching.ics', event({ uid: 'touching-1', summary: 'Right after', date: d1, from: '1300', to: '1400', created: '20260401T080000Z' }));
    await put('transparent', 'free.ics', event({ uid: 'free-1', summary: 'Reminder', date: d1, from: '1000', to: '1100', created: '20260501T080000Z', extra: ['TRANSP:TRANSPARENT'] }));
    await put('cancelled', 'cancelled.ics', event({ uid: 'cancelled-1', summary: 'Called off', date: day(4), from: '0900', to: '1000', created: '20260101T080000Z', extra: ['STATUS:CANCELLED'] }));
    // a weekly series whose second occurrence clashes with an earlier booking: only that one goes
    const series = event({ uid: 'interviews-1', summary: 'Job Interviews', date: day(5), from: '1400', to: '1500', created: '20260601T080000Z', extra: ['RRULE:FREQ=WEEKLY;COUNT=4', 'ORGANIZER:mailto:head-of-hr@example.org'] });
    await put('series', 'interviews.ics', series);
    await put('council', 'council.ics', event({ uid: 'council-1', summary: 'Workers Council', date: day(12), from: '1430', to: '1530', created: '20260201T080000Z' }));
    // a prioritized booking beats an earlier one, which is then deprioritized
    await put('early', 'early.ics', event({ uid: 'early-1', summary: 'Team lunch', date: day(6), from: '1200', to: '1300', created: '20260101T080000Z' }));
    await put('board', 'board.ics', event({ uid: 'board-1', summary: 'Board', date: day(6), from: '1230', to: '1330', created: '20260701T080000Z', extra: [`DESCRIPTION:priority ${token}`] }));
    before = await snapshot();
  });

  afterAll(async () => {
    await workers.close();
    await ctx.app.close();
    await ctx.db.close();
  });

  it('reports what it would do in test mode, and writes nothing', async () => {
    const report = await clear('&test=on');
    expect(report.test_mode).toBe(true);
    expect(report.deleted_cancelled_events.map((i: { event: { uid: string } }) => i.event.uid)).toEqual(['cancelled-1']);
    expect(report.deleted_overlapping_events.map((i: { event: { uid: string } }) => i.event.uid).sort()).toEqual(['early-1', 'fundraising-1']);
    const fundraising = report.deleted_overlapping_events.find((i: { event: { uid: string } }) => i.event.uid === 'fundraising-1');
    expect(fundraising).toMatchObject({
      calendar: fixture.calendar.slug,
      action: 'deleted',
      status: 'planned',
      event: { name: 'Fundraising', organizer: 'head-of-fundraising@example.org', created: '2026-03-01T09:00:00+01:00' },
      overlaps_with: { uid: 'finance-1', name: 'Finance Monthly', organizer: 'head-of-finance@example.org' },
    });
    expect(fundraising.event.start).toMatch(/T11:00:00\+0[12]:00$/);
    const [interview] = report.cancelled_overlapping_recurring_events;
    expect(report.cancelled_overlapping_recurring_events).toHaveLength(1);
    expect(interview).toMatchObject({ action: 'cancelled', event: { uid: 'interviews-1' }, overlaps_with: { uid: 'council-1' } });
    expect(interview.recurrence_id).toBeTruthy();
    expect(report.ignored_overlapping_events).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('a dry run of the unchanged calendar gives the same report again; a change in between shows in the next one', async () => {
    const uids = (report: { deleted_overlapping_events: { event: { uid: string } }[] }) => report.deleted_overlapping_events.map((i) => i.event.uid).sort();
    const first = await clear('&test=on');
    expect(await clear('&test=on')).toEqual(first);
    // A later booking over Finance Monthly: the store changes, so the last dry run's report must not be reused.
    const late = await putObject(collection, rooms!, 'late.ics', event({ uid: 'late-1', summary: 'Late', date: day(3), from: '1030', to: '1130', created: '20260801T080000Z' }));
    expect(uids(await clear('&test=on'))).toEqual(['early-1', 'fundraising-1', 'late-1']);
    const gone = await fetch(late, { method: 'DELETE', headers: { authorization: basicAuth(rooms!) } });
    expect(gone.ok).toBe(true);
    expect(uids(await clear('&test=on'))).toEqual(['early-1', 'fundraising-1']);
    expect(await snapshot()).toEqual(before);
  });

  it("keeps a clear's report once in Redis: the job holds its summary and key, readers get the whole report, an expired one answers the summary", async () => {
    const seedKeys = [
      'deleted_cancelled_events', 'deleted_overlapping_events', 'cancelled_overlapping_recurring_events', 'ignored_overlapping_events',
      'test_mode', 'unreadable_objects', 'truncated_series', 'mails_queued', 'windows',
    ].sort();
    const waited = await clear('&test=on');
    expect(Object.keys(waited).sort()).toEqual(seedKeys);
    const viewOf = async (id: string) => {
      const response = await ctx.app.inject({ method: 'GET', url: `/api/jobs/${encodeURIComponent(id)}`, headers: bearer(fixture.token) });
      expect(response.statusCode).toBe(200);
      return response.json() as { state: string; result: Record<string, unknown> | null };
    };
    const dryRun = async () => {
      const response = await ctx.app.inject({ method: 'DELETE', url: `/api/clear-bookings?calendar=${fixture.calendar.slug}&test=on`, headers: bearer(fixture.token) });
      expect(response.statusCode).toBe(202);
      const id = response.json().job.id as string;
      let view = await viewOf(id);
      for (let i = 0; i < 600 && view.state !== 'completed' && view.state !== 'failed'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        view = await viewOf(id);
      }
      expect(view.state).toBe('completed');
      return { id, view };
    };
    const connection = new Redis(ctx.config.REDIS_URL);
    const queue = new Queue('calendar', { connection, prefix: ctx.config.QUEUE_PREFIX });
    try {
      const one = await dryRun();
      const two = await dryRun();
      // GET /api/jobs/{id} answers the report exactly as the seed's shape and the Prefer: wait answer have it.
      expect(one.view.result).toEqual(waited);
      expect(two.view.result).toEqual(waited);
      const stored = [(await queue.getJob(one.id))!.returnvalue, (await queue.getJob(two.id))!.returnvalue];
      for (const value of stored) {
        expect(isStoredClearResult(value)).toBe(true);
        expect(JSON.stringify(value).length).toBeLessThan(1024);
        expect(value).toMatchObject({
          test_mode: true,
          mails_queued: 0,
          windows: waited.windows,
          counts: { deleted_cancelled_events: 1, deleted_overlapping_events: 2, cancelled_overlapping_recurring_events: 1, ignored_overlapping_events: 0, failed_items: 0 },
        });
      }
      // Two dry runs of the unchanged calendar share one stored report, kept as long as completed jobs.
      const ref = (stored[0] as StoredClearResult).report_ref;
      expect((stored[1] as StoredClearResult).report_ref).toBe(ref);
      expect(ref.startsWith(`${ctx.config.QUEUE_PREFIX}:clear-report:`)).toBe(true);
      expect(await connection.ttl(ref)).toBeGreaterThan(completedJobRetentionSeconds - 120);
      expect(JSON.parse((await connection.get(ref))!)).toEqual(waited);

      await connection.del(ref);
      const { report_ref: _ref, ...summary } = stored[0] as StoredClearResult;
      expect((await viewOf(one.id)).result).toEqual({ ...summary, report_expired: true });
      // The next dry run stores the report again rather than pointing at the expired key.
      const three = await dryRun();
      expect(three.view.result).toEqual(waited);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });

  it('clears live: exactly the losers go, other occurrences stay, the override carries CANCELLED', async () => {
    const report = await clear('');
    expect(report.test_mode).toBe(false);
    const statuses = [...report.deleted_cancelled_events, ...report.deleted_overlapping_events, ...report.cancelled_overlapping_recurring_events].map((i: { status: string }) => i.status);
    expect(statuses).toEqual(['applied', 'applied', 'applied', 'applied']);
    const after = await snapshot();
    for (const gone of ['fundraising', 'cancelled', 'early']) expect(after[gone], gone).toBeUndefined();
    for (const kept of ['finance', 'touching', 'transparent', 'council', 'board']) expect(after[kept], kept).toBe(before[kept]);

    const calendar = new ICAL.Component(ICAL.parse(after['series']!));
    const vevents = calendar.getAllSubcomponents('vevent');
    expect(vevents).toHaveLength(2);
    const master = vevents.find((v) => !v.hasProperty('recurrence-id'))!;
    expect(master.getFirstPropertyValue('rrule')?.toString()).toBe('FREQ=WEEKLY;COUNT=4');
    const override = vevents.find((v) => v.hasProperty('recurrence-id'))!;
    expect(override.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(override.getFirstPropertyValue('recurrence-id')?.toString()).toContain(`${day(12).slice(0, 4)}-${day(12).slice(4, 6)}-${day(12).slice(6)}T14:00:00`);

    const audit = await createAuditLogRepository(ctx.db.db).list({ calendarId: fixture.calendar.id });
    expect(audit.map((a) => `${a.uid}:${a.action}`).sort()).toEqual(['cancelled-1:deleted', 'early-1:deleted', 'fundraising-1:deleted', 'interviews-1:cancelled']);
    const entry = await createAuditLogRepository(ctx.db.db).require(audit.find((a) => a.uid === 'fundraising-1')!.id);
    expect(entry.previousIcal).toBe(before['fundraising']);
  });

  it('changes nothing when run again', async () => {
    const snapshotBefore = await snapshot();
    const report = await clear('');
    expect(report.deleted_cancelled_events).toEqual([]);
    expect(report.deleted_overlapping_events).toEqual([]);
    expect(report.cancelled_overlapping_recurring_events).toEqual([]);
    expect(await snapshot()).toEqual(snapshotBefore);
  });

  it('puts a removed booking back from the audit log, byte for byte', async () => {
    const [entry] = (await createAuditLogRepository(ctx.db.db).list({ calendarId: fixture.calendar.id })).filter((a) => a.uid === 'fundraising-1');
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['audit', 'restore', String(entry!.id), '--json'], {
      stdout: (s) => out.push(s),
      stderr: (s) => err.push(s),
      env: { DATABASE_URL: ctx.config.DATABASE_URL, SECRET_KEY: TEST_SECRET_KEY },
    });
    expect(err.join('')).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ uid: 'fundraising-1', action: 'deleted', method: 'recreated' });
    expect(await getObject(href['fundraising']!, rooms!)).toBe(before['fundraising']);
    // and the next clear takes it away again: it still loses to Finance Monthly
    const report = await clear('&test=1');
    expect(report.deleted_overlapping_events.map((i: { event: { uid: string } }) => i.event.uid)).toEqual(['fundraising-1']);
  });

  it('answers 202 with the job without Prefer, and 404 for a calendar the caller does not have', async () => {
    const response = await ctx.app.inject({ method: 'DELETE', url: `/api/clear-bookings?test=1`, headers: bearer(fixture.token) });
    expect(response.statusCode).toBe(202);
    expect(response.json().jobs).toHaveLength(1);
    expect(response.json().job.url).toMatch(/^\/api\/jobs\//);
    const other = await seedUser(ctx.db);
    const forbidden = await ctx.app.inject({ method: 'DELETE', url: `/api/clear-bookings?calendar=${other.calendar.slug}`, headers: bearer(fixture.token) });
    expect(forbidden.statusCode).toBe(404);
  });

  it('lets an event booked with prioritized: true keep the room; a mark copied onto another event counts for nothing', async () => {
    const roomCollection = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('prio'));
    const room = await seedUser(ctx.db, roomCollection);
    const { token: prioKey } = await createUsersRepository(ctx.db.db).createKey({ userName: room.user.name, canPrioritize: true });
    const d = day(8);
    const iso = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`;
    const booked = await ctx.app.inject({
      method: 'POST',
      url: `/api/${room.calendar.slug}/events`,
      headers: { ...bearer(prioKey), prefer: 'wait=30' },
      payload: { name: 'Board (API, prioritized)', start: `${iso}T10:00`, end: `${iso}T11:00`, prioritized: true },
    });
    expect(booked.statusCode).toBe(201);
    const bookedIcs = (await getObject(new URL(`${booked.json().id}.ics`, roomCollection).toString(), rooms!))!;
    const mark = /X-ROOMBOOK-PRIORITY:(\S+)/.exec(bookedIcs)![1]!;
    // booked long before, so without the priority it would keep the room
    await putObject(roomCollection, rooms!, 'early.ics', event({ uid: 'early-team', summary: 'Team', date: d, from: '1030', to: '1130', created: '20250101T080000Z' }));
    // someone copies the mark into their own event: it is not theirs, so it counts for nothing
    await putObject(roomCollection, rooms!, 'forged.ics', event({ uid: 'forged', summary: 'Forged', date: d, from: '1045', to: '1145', created: '20260901T080000Z', extra: [`X-ROOMBOOK-PRIORITY:${mark}`] }));
    const response = await ctx.app.inject({ method: 'DELETE', url: `/api/clear-bookings?calendar=${room.calendar.slug}&test=1`, headers: { ...bearer(room.token), prefer: 'wait=60' } });
    const report = response.json();
    const losers = Object.fromEntries(report.deleted_overlapping_events.map((i: { event: { uid: string }; reason: string }) => [i.event.uid, i.reason]));
    expect(Object.keys(losers).sort()).toEqual(['early-team', 'forged']);
    expect(losers['early-team']).toMatch(/prioritized/);
    expect(report.ignored_overlapping_events).toEqual([]);

    // The booked event itself, copied with its mark into another room on another day: the mark is
    // bound to calendar, UID, start and end, so the copy is an ordinary, later booking and loses.
    const otherCollection = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('prio-copy'));
    const other = await seedUser(ctx.db, otherCollection);
    const d2 = day(9);
    await putObject(otherCollection, rooms!, 'early.ics', event({ uid: 'early-other', summary: 'Team', date: d2, from: '1030', to: '1130', created: '20250101T080000Z' }));
    await putObject(otherCollection, rooms!, 'moved-copy.ics', bookedIcs.replaceAll(`:${d}T`, `:${d2}T`));
    const copied = await ctx.app.inject({ method: 'DELETE', url: `/api/clear-bookings?calendar=${other.calendar.slug}&test=1`, headers: { ...bearer(other.token), prefer: 'wait=60' } });
    expect(copied.json().deleted_overlapping_events.map((i: { event: { uid: string } }) => i.event.uid)).toEqual([booked.json().id]);
  });

  it('declines the occurrence as the room attendee when the calendar knows its address', async () => {
    const roomCollection = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('room'));
    const room = await seedUser(ctx.db, roomCollection);
    await createCalendarsRepository(ctx.db.db).update(room.calendar.slug, { roomEmail: 'room-1@example.org' });
    const attendee = ['ATTENDEE;CUTYPE=ROOM;PARTSTAT=ACCEPTED;RSVP=TRUE;CN=Room 1:mailto:room-1@example.org', 'ORGANIZER;CN=Sales:mailto:sales@example.org'];
    const seriesUrl = await putObject(roomCollection, rooms!, 'sales.ics', event({ uid: 'sales-weekly', summary: 'Sales weekly', date: day(7), from: '0900', to: '1000', created: '20260801T080000Z', extra: ['RRULE:FREQ=WEEKLY;COUNT=3', ...attendee] }));
    await putObject(roomCollection, rooms!, 'all-hands.ics', event({ uid: 'all-hands', summary: 'All hands', date: day(14), from: '0930', to: '1030', created: '20260101T080000Z' }));
    const response = await ctx.app.inject({ method: 'DELETE', url: `/api/clear-bookings?calendar=${room.calendar.slug}`, headers: { ...bearer(room.token), prefer: 'wait=60' } });
    const report = response.json();
    expect(report.cancelled_overlapping_recurring_events).toHaveLength(1);
    expect(report.cancelled_overlapping_recurring_events[0]).toMatchObject({ action: 'declined', status: 'applied', event: { uid: 'sales-weekly' } });
    const vevents = new ICAL.Component(ICAL.parse((await getObject(seriesUrl, rooms!))!)).getAllSubcomponents('vevent');
    const override = vevents.find((v) => v.hasProperty('recurrence-id'))!;
    const roomAttendee = override.getAllProperties('attendee').find((p) => String(p.getFirstValue()).toLowerCase().includes('room-1'))!;
    expect(roomAttendee.getParameter('partstat')).toBe('DECLINED');
    const master = vevents.find((v) => !v.hasProperty('recurrence-id'))!;
    expect(master.getFirstProperty('attendee')!.getParameter('partstat')).toBe('ACCEPTED');
  });
});
