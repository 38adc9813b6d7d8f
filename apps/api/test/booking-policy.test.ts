import { runCli } from '@roombook/cli';
import { createAuditLogRepository, createUsersRepository } from '@roombook/db';
import { addDays, compactDay, futureDay, futureWeekday, getObject, makeCalendar, nextOffsetChange, putObject, uniqueName, wallClockIso, wallClockLocalIso } from '@roombook/testing';
import type { RunningWorkers } from '@roombook/worker';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { TEST_SECRET_KEY, bearer, buildTestApp, seedUser, startTestWorkers } from './helper.js';
import { event } from './ics.js';

type Ctx = Awaited<ReturnType<typeof buildTestApp>>;

/** Local Berlin day `offset` days from today as YYYY-MM-DD and YYYYMMDD. */
function berlinDay(offset: number): { iso: string; ics: string } {
  const iso = futureDay(offset, 'Europe/Berlin');
  return { iso, ics: compactDay(iso) };
}
/** Berlin wall-clock time on `day` as the API answers it, with that day's offset. */
const local = (day: string, time: string) => wallClockLocalIso(day, time, 'Europe/Berlin');

describe('booking policy against Radicale (issue 11)', () => {
  let ctx: Ctx;
  let workers: RunningWorkers;
  const [rooms] = inject('radicaleUsers');

  beforeAll(async () => {
    ctx = await buildTestApp();
    workers = await startTestWorkers(ctx.config, { CALDAV_TIMEOUT_MS: '5000' });
  });

  afterAll(async () => {
    await workers.close();
    await ctx.app.close();
    await ctx.db.close();
  });

  async function room(policy: NonNullable<NonNullable<Parameters<typeof seedUser>[2]>["policy"]> = {}) {
    const collection = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('policy'));
    const fixture = await seedUser(ctx.db, collection, { policy });
    const book = (body: object, token = fixture.token) =>
      ctx.app.inject({ method: 'POST', url: `/api/${fixture.calendar.slug}/events`, headers: { ...bearer(token), prefer: 'wait=30' }, payload: body });
    const objects = async () => {
      const response = await fetch(collection, { method: 'PROPFIND', headers: { depth: '1', authorization: `Basic ${Buffer.from(`${rooms!.username}:${rooms!.password}`).toString('base64')}` } });
      return [...(await response.text()).matchAll(/<(?:\w+:)?href>([^<]+\.ics)<\/(?:\w+:)?href>/gi)].map((m) => m[1]);
    };
    return { collection, fixture, book, objects };
  }

  it('refuses a clash with an event another client wrote directly: 409, every clash named, nothing written', async () => {
    const { collection, book, objects } = await room();
    const d = berlinDay(3);
    await putObject(collection, rooms!, 'tb-1.ics', event({ uid: 'tb-1', summary: 'Thunderbird meeting', date: d.ics, from: '1000', to: '1130', created: '20260101T000000Z' }));
    await putObject(collection, rooms!, 'tb-2.ics', event({ uid: 'tb-2', summary: 'Late call', date: d.ics, from: '1145', to: '1230', created: '20260101T000000Z' }));

    const refused = await book({ name: 'Mine', start: `${d.iso}T11:00`, end: `${d.iso}T12:00` });
    expect(refused.statusCode).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    const body = refused.json();
    expect(body).toMatchObject({ type: '/problems/conflict', status: 409 });
    expect(body.conflicts).toEqual([
      { name: 'Thunderbird meeting', start: expect.stringMatching(new RegExp(`^${d.iso}T10:00:00\\+0[12]:00$`)), end: expect.stringMatching(/T11:30:00\+0[12]:00$/) },
      { name: 'Late call', start: expect.stringMatching(/T11:45:00\+0[12]:00$/), end: expect.stringMatching(/T12:30:00\+0[12]:00$/) },
    ]);
    expect(body.job.error.code).toBe('CONFLICT');
    expect((await objects()).sort()).toEqual([expect.stringContaining('tb-1.ics'), expect.stringContaining('tb-2.ics')]);

    // touching is not overlapping
    expect((await book({ name: 'Before', start: `${d.iso}T09:00`, end: `${d.iso}T10:00` })).statusCode).toBe(201);
  });

  it('lets cancelled and transparent events not block, like the clear', async () => {
    const { collection, book } = await room({ conflictPolicy: 'reject' });
    const d = berlinDay(4);
    await putObject(collection, rooms!, 'c.ics', event({ uid: 'c', summary: 'Cancelled', date: d.ics, from: '1000', to: '1100', created: '20260101T000000Z', extra: ['STATUS:CANCELLED'] }));
    await putObject(collection, rooms!, 't.ics', event({ uid: 't', summary: 'Free', date: d.ics, from: '1000', to: '1100', created: '20260101T000000Z', extra: ['TRANSP:TRANSPARENT'] }));
    expect((await book({ name: 'Mine', start: `${d.iso}T10:00`, end: `${d.iso}T11:00` })).statusCode).toBe(201);
  });

  it('with --conflicts allow books into a taken slot, as the original app did', async () => {
    const { collection, book, objects } = await room({ conflictPolicy: 'allow' });
    const d = berlinDay(5);
    await putObject(collection, rooms!, 'x.ics', event({ uid: 'x', summary: 'Taken', date: d.ics, from: '1000', to: '1100', created: '20260101T000000Z' }));
    expect((await book({ name: 'Mine', start: `${d.iso}T10:30`, end: `${d.iso}T11:30` })).statusCode).toBe(201);
    expect(await objects()).toHaveLength(2);
  });

  it('writes a prioritized booking over ordinary ones; only a prioritized one refuses it', async () => {
    const { collection, fixture, book } = await room();
    const users = createUsersRepository(ctx.db.db);
    const vip = await users.createKey({ userName: fixture.user.name, canPrioritize: true });
    const d = berlinDay(6);
    await putObject(collection, rooms!, 'o.ics', event({ uid: 'o', summary: 'Ordinary', date: d.ics, from: '1000', to: '1100', created: '20260101T000000Z' }));
    const first = await book({ name: 'CEO', start: `${d.iso}T10:00`, end: `${d.iso}T11:00`, prioritized: true }, vip.token);
    expect(first.statusCode).toBe(201);
    const second = await book({ name: 'CFO', start: `${d.iso}T10:30`, end: `${d.iso}T11:30`, prioritized: true }, vip.token);
    expect(second.statusCode).toBe(409);
    expect(second.json().conflicts).toEqual([expect.objectContaining({ name: 'CEO' })]);
  });

  it('answers booking rules at once with 422 naming the rule, and shows them in GET /api/calendars', async () => {
    const { fixture, book } = await room({ maxDaysAhead: 30, minMinutes: 15, maxMinutes: 120, openingHours: 'Mon-Fri 07:00-20:00, Sat 09:00-13:00' });
    const list = await ctx.app.inject({ url: '/api/calendars', headers: bearer(fixture.token) });
    expect(list.json().calendars.find((c: { slug: string }) => c.slug === fixture.calendar.slug)).toEqual({
      slug: fixture.calendar.slug,
      name: fixture.calendar.slug,
      time_zone: 'Europe/Berlin',
      conflicts: 'reject',
      series_max_conflicts: 0,
      rules: { max_days_ahead: 30, min_minutes: 15, max_minutes: 120, opening_hours: 'Mon-Fri 07:00-20:00, Sat 09:00-13:00' },
      capacity: null,
      features: [],
      location: null,
    });
    // find a weekday and a Sunday within the next 8 days
    const days = Array.from({ length: 8 }, (_, i) => berlinDay(i + 1)).map((d) => ({ ...d, wd: new Date(`${d.iso}T12:00:00Z`).getUTCDay() }));
    const weekday = days.find((d) => d.wd >= 1 && d.wd <= 5)!;
    const sunday = days.find((d) => d.wd === 0)!;
    const cases: [object, string][] = [
      [{ start: '2020-01-06T10:00', end: '2020-01-06T11:00' }, 'past'],
      [{ start: `${weekday.iso}T10:00`, end: `${weekday.iso}T10:10` }, 'min-minutes'],
      [{ start: `${weekday.iso}T10:00`, end: `${weekday.iso}T13:00` }, 'max-minutes'],
      [{ start: `${berlinDay(40).iso}T10:00`, end: `${berlinDay(40).iso}T11:00` }, 'max-days-ahead'],
      [{ start: `${weekday.iso}T19:30`, end: `${weekday.iso}T20:30` }, 'opening-hours'],
      [{ start: `${sunday.iso}T10:00`, end: `${sunday.iso}T11:00` }, 'opening-hours'],
    ];
    for (const [times, rule] of cases) {
      const response = await book({ name: 'Rule check', ...times });
      expect(response.statusCode, rule).toBe(422);
      expect(response.json()).toMatchObject({ type: '/problems/booking-rule', status: 422, rule });
      expect(response.json().detail).toMatch(/\w+ \w+/);
    }
    expect((await book({ name: 'Fine', start: `${weekday.iso}T19:00`, end: `${weekday.iso}T20:00` })).statusCode).toBe(201);
  });

  it('checks every occurrence of a series against the rules and names the first that fails', async () => {
    const { book } = await room({ openingHours: 'Mon-Fri 07:00-20:00' });
    const monday = Array.from({ length: 7 }, (_, i) => berlinDay(i + 1)).find((d) => new Date(`${d.iso}T12:00:00Z`).getUTCDay() === 1)!;
    // daily from Monday: occurrence 6 is a Saturday
    const response = await book({ name: 'Daily', start: `${monday.iso}T09:00`, end: `${monday.iso}T10:00`, rrule: 'FREQ=DAILY;COUNT=7' });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ rule: 'opening-hours', occurrence: { index: 6 } });
    expect(response.json().detail).toMatch(/^occurrence 6 of 7: /);
    const tooMany = await book({ name: 'Daily', start: `${monday.iso}T09:00`, end: `${monday.iso}T10:00`, rrule: 'FREQ=DAILY;BYDAY=MO,TU;COUNT=367' });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().errors).toEqual([{ field: 'body.rrule', message: expect.stringContaining('366') }]);
    const bad = await book({ name: 'Yearly', start: `${monday.iso}T09:00`, end: `${monday.iso}T10:00`, rrule: 'FREQ=YEARLY;COUNT=2' });
    expect(bad.statusCode).toBe(400);
  });

  it('books a weekly series across the spring DST switch on the room\'s wall clock, skipping a clashing occurrence', async () => {
    const { collection, book } = await room({ seriesMaxConflicts: 1, openingHours: 'Mon-Fri 07:00-19:00' });
    // Europe/Berlin's next switch to summer time (a Sunday, at least a week ahead): the Monday before
    // it is CET, the two Mondays after it CEST.
    const { day: sunday, before, after } = nextOffsetChange('Europe/Berlin', 'forward', 7);
    expect([before, after]).toEqual([60, 120]);
    const [cet, cest, cest2] = [addDays(sunday, -6), addDays(sunday, 1), addDays(sunday, 8)];
    await putObject(collection, rooms!, 'direct.ics', event({ uid: 'direct', summary: 'Direct booking', date: compactDay(cest), from: '1830', to: '1930', created: '20260101T000000Z' }));
    const response = await book({ name: 'Weekly', start: `${cet}T18:00`, end: `${cet}T19:00`, rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=3' });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.occurrences).toBe(2);
    expect(body.skipped_occurrences).toEqual([
      {
        start: `${cest}T18:00:00+02:00`,
        end: `${cest}T19:00:00+02:00`,
        conflicts: [{ name: 'Direct booking', start: `${cest}T18:30:00+02:00`, end: `${cest}T19:30:00+02:00` }],
      },
    ]);
    const ics = (await getObject(new URL(`${body.id}.ics`, collection).toString(), rooms!))!;
    expect(ics).toContain('RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3');
    expect(ics).toContain(`EXDATE;TZID=Europe/Berlin:${compactDay(cest)}T180000`);
    // what the file says, read by a third party: 18:00 Berlin each time, 17:00Z then 16:00Z
    const vevent = new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!;
    const expand = new ICAL.Event(vevent).iterator();
    const starts: string[] = [];
    for (let next = expand.next(); next && starts.length < 5; next = expand.next()) starts.push(next.toJSDate().toISOString());
    expect(starts.filter((s) => s !== `${cest}T16:00:00.000Z`)).toEqual([`${cet}T17:00:00.000Z`, `${cest2}T16:00:00.000Z`]);
  });

  it('refuses a whole series with more clashes than allowed, listing every clashing occurrence', async () => {
    const { collection, book, objects } = await room({ seriesMaxConflicts: 1 });
    // four weekly Mondays ahead of today; the first and the third clash
    const monday = futureWeekday(1);
    const third = addDays(monday, 14);
    await putObject(collection, rooms!, 'a.ics', event({ uid: 'a', summary: 'A', date: compactDay(monday), from: '1000', to: '1100', created: '20260101T000000Z' }));
    await putObject(collection, rooms!, 'b.ics', event({ uid: 'b', summary: 'B', date: compactDay(third), from: '1030', to: '1130', created: '20260101T000000Z' }));
    const response = await book({ name: 'Weekly', start: `${monday}T10:00`, end: `${monday}T11:00`, rrule: `FREQ=WEEKLY;UNTIL=${compactDay(addDays(monday, 21))}` });
    expect(response.statusCode).toBe(409);
    expect(response.json().clashing_occurrences).toEqual([
      { start: local(monday, '10:00'), end: local(monday, '11:00'), conflicts: [{ name: 'A', start: local(monday, '10:00'), end: local(monday, '11:00') }] },
      { start: local(third, '10:00'), end: local(third, '11:00'), conflicts: [{ name: 'B', start: local(third, '10:30'), end: local(third, '11:30') }] },
    ]);
    expect(response.json().conflicts.map((c: { name: string }) => c.name)).toEqual(['A', 'B']);
    expect(await objects()).toHaveLength(2);
  });

  it('cancels one occurrence of a series with DELETE ?occurrence= (EXDATE, audited), after which the slot is free', async () => {
    const { collection, fixture, book } = await room();
    // Mondays to Fridays for two weeks from a Monday ahead; Wednesday's occurrence is cancelled, Saturday has none.
    const monday = futureWeekday(1);
    const [wednesday, saturday] = [addDays(monday, 2), addDays(monday, 5)];
    const created = await book({ name: 'Standup', start: `${monday}T09:00`, end: `${monday}T09:30`, rrule: 'FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=10' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ occurrences: 10, skipped_occurrences: [] });
    const id = created.json().id as string;
    expect((await book({ name: 'Blocked', start: `${wednesday}T09:00`, end: `${wednesday}T09:30` })).statusCode).toBe(409);

    const deleted = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/${fixture.calendar.slug}/events/${id}?occurrence=${encodeURIComponent(local(wednesday, '09:00'))}`,
      headers: { ...bearer(fixture.token), prefer: 'wait=30' },
    });
    expect(deleted.statusCode).toBe(204);
    const ics = (await getObject(new URL(`${id}.ics`, collection).toString(), rooms!))!;
    expect(ics).toContain(`EXDATE;TZID=Europe/Berlin:${compactDay(wednesday)}T090000`);
    expect(ics).toContain('RRULE:');
    const audit = await createAuditLogRepository(ctx.db.db).list({ calendarId: fixture.calendar.id, limit: 5 });
    expect(audit[0]).toMatchObject({ uid: id, action: 'occurrence-cancelled', recurrenceId: wallClockIso(wednesday, '09:00', 'Europe/Berlin'), state: 'applied' });
    // the audit entry puts the series back as it was
    const err: string[] = [];
    const code = await runCli(['audit', 'restore', String(audit[0]!.id)], {
      stdout: () => {},
      stderr: (s) => err.push(s),
      env: { DATABASE_URL: ctx.config.DATABASE_URL, SECRET_KEY: TEST_SECRET_KEY },
    });
    expect(err.join('')).toBe('');
    expect(code).toBe(0);
    expect(await getObject(new URL(`${id}.ics`, collection).toString(), rooms!)).not.toContain('EXDATE');
    const again = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/${fixture.calendar.slug}/events/${id}?occurrence=${wednesday}T09:00`,
      headers: { ...bearer(fixture.token), prefer: 'wait=30' },
    });
    expect(again.statusCode).toBe(204);
    expect((await book({ name: 'Now free', start: `${wednesday}T09:00`, end: `${wednesday}T09:30` })).statusCode).toBe(201);

    const missing = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/${fixture.calendar.slug}/events/${id}?occurrence=${saturday}T09:00`,
      headers: { ...bearer(fixture.token), prefer: 'wait=30' },
    });
    expect(missing.statusCode).toBe(404);
    // without occurrence the whole series goes
    const all = await ctx.app.inject({ method: 'DELETE', url: `/api/${fixture.calendar.slug}/events/${id}`, headers: { ...bearer(fixture.token), prefer: 'wait=30' } });
    expect(all.statusCode).toBe(204);
    expect(await getObject(new URL(`${id}.ics`, collection).toString(), rooms!)).toBeUndefined();
  });
});
