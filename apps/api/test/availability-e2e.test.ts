import { makeCalendar, putObject, uniqueName } from '@roombook/testing';
import type { RunningWorkers } from '@roombook/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { bearer, buildTestApp, seedUser, startTestWorkers } from './helper.js';
import { day, event } from './ics.js';

type Ctx = Awaited<ReturnType<typeof buildTestApp>>;

/** YYYYMMDD -> YYYY-MM-DD */
const iso = (ymd: string) => `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6)}`;
const at = (ymd: string, hhmm: string) => expect.stringMatching(new RegExp(`^${iso(ymd)}T${hhmm}:00\\+0[12]:00$`));

/**
 * Free/busy and find-a-room end to end (issue 12): events written straight into a real Radicale
 * collection, the real worker's refresh (queue `mirror`) filling the calendar store, the API
 * answering from PostgreSQL only.
 */
describe('availability end to end: Radicale -> worker refresh -> store -> API', () => {
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

  it('sees what other clients wrote, under the clearing rules, once fresh=true refreshed the room', async () => {
    const collection = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('avail'));
    const fixture = await seedUser(ctx.db, collection, { policy: { conflictPolicy: 'allow' } });
    const d = day(3);
    const created = '20260101T000000Z';
    await putObject(collection, rooms!, 'a.ics', event({ uid: 'a', summary: 'Planning', date: d, from: '0900', to: '1000', created }));
    await putObject(collection, rooms!, 'b.ics', event({ uid: 'b', summary: 'Overrun', date: d, from: '0930', to: '1030', created }));
    await putObject(collection, rooms!, 'c.ics', event({ uid: 'c', summary: 'Call off', date: d, from: '1100', to: '1200', created, extra: ['STATUS:CANCELLED'] }));
    await putObject(collection, rooms!, 't.ics', event({ uid: 't', summary: 'Reminder', date: d, from: '1300', to: '1400', created, extra: ['TRANSP:TRANSPARENT'] }));
    await putObject(collection, rooms!, 's.ics', event({ uid: 's', summary: 'Stand-up', date: d, from: '1500', to: '1515', created, extra: ['RRULE:FREQ=DAILY;COUNT=2'] }));
    const slug = fixture.calendar.slug;
    const url = `/api/freebusy?calendars=${slug}&start=${iso(d)}T08:00&end=${iso(day(4))}T18:00`;

    const fresh = await ctx.app.inject({ url: `${url}&fresh=true`, headers: bearer(fixture.token) });
    expect(fresh.statusCode).toBe(200);
    const calendar = fresh.json().calendars[0];
    expect(calendar).toMatchObject({ calendar: slug, refresh: 'done', stale: false, complete: true, error: null });
    expect(calendar.busy).toEqual([
      { start: at(d, '09:00'), end: at(d, '10:30') }, // two overlapping bookings (a double booking the clear would settle) are one busy interval
      { start: at(d, '15:00'), end: at(d, '15:15') },
      { start: at(day(4), '15:00'), end: at(day(4), '15:15') }, // the series' second day
    ]);

    // a new event another client writes is seen after the next refresh; one that touches is merged
    await putObject(collection, rooms!, 'n.ics', event({ uid: 'n', summary: 'Follow-up', date: d, from: '1030', to: '1100', created }));
    const plain = await ctx.app.inject({ url, headers: bearer(fixture.token) });
    expect(plain.json().calendars[0].busy[0]).toEqual({ start: at(d, '09:00'), end: at(d, '10:30') }); // the store as it was
    const again = (await ctx.app.inject({ url: `${url}&fresh=true`, headers: bearer(fixture.token) })).json().calendars[0];
    expect(again.refresh).toBe('done');
    expect(again.busy[0]).toEqual({ start: at(d, '09:00'), end: at(d, '11:00') });

    // find-a-room on the same store: the cancelled and the transparent event leave the room free
    const free = async (from: string, to: string) =>
      ((await ctx.app.inject({ url: `/api/rooms/available?start=${iso(d)}T${from}&end=${iso(d)}T${to}`, headers: bearer(fixture.token) })).json() as { calendar: string }[]).map((r) => r.calendar);
    expect(await free('11:00', '12:00')).toEqual([slug]);
    expect(await free('13:00', '14:00')).toEqual([slug]);
    expect(await free('10:45', '11:15')).toEqual([]);
    expect(await free('15:10', '15:20')).toEqual([]);
  }, 60_000);

  it('keeps the last good data when the room\'s server fails, and says how old it is', async () => {
    const collection = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('avail'));
    const fixture = await seedUser(ctx.db, collection);
    const d = day(5);
    await putObject(collection, rooms!, 'a.ics', event({ uid: 'a', summary: 'Board', date: d, from: '1000', to: '1200', created: '20260101T000000Z' }));
    const url = `/api/freebusy?start=${iso(d)}T08:00&end=${iso(d)}T18:00&fresh=true`;
    const first = (await ctx.app.inject({ url, headers: bearer(fixture.token) })).json().calendars[0];
    expect(first).toMatchObject({ refresh: 'done', stale: false, busy: [{ start: at(d, '10:00'), end: at(d, '12:00') }] });

    // the room's server goes away (its URL now points at a closed port)
    await ctx.db.db.$client`UPDATE calendars SET url = 'http://127.0.0.1:1/gone/' WHERE id = ${fixture.calendar.id}`;
    const second = (await ctx.app.inject({ url, headers: bearer(fixture.token) })).json().calendars[0];
    expect(second).toMatchObject({ refresh: 'failed', stale: true, busy: first.busy, as_of: first.as_of, complete: true });
    expect(second.error).toEqual({ message: expect.stringMatching(/\S/), at: expect.stringMatching(/\+0[12]:00$/) });
    expect(new Date(second.error.at).getTime()).toBeGreaterThanOrEqual(new Date(first.as_of).getTime());
  }, 60_000);
});
