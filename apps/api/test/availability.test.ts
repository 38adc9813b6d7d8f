import { createWorkerConnection } from '@roombook/queue';
import { futureDay, futureWeekday } from '@roombook/testing';
import { Queue, Worker, type Job } from 'bullmq';
import fc from 'fast-check';
import { fromZonedTime } from 'date-fns-tz';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { bearer, buildTestApp, seedUser, testConfig, type Fixture } from './helper.js';
import { seedAttributes, seedBusy, seedMirrorState, seedTimeZone } from './mirror-seed.js';

type Ctx = Awaited<ReturnType<typeof buildTestApp>>;

/** The Berlin calendar day `offset` days from today, as YYYY-MM-DD. */
function berlinDay(offset: number): string {
  return futureDay(offset, 'Europe/Berlin');
}
/** Wall-clock time in Berlin as an instant. */
const berlin = (day: string, time: string) => fromZonedTime(`${day}T${time}:00`, 'Europe/Berlin');
/** The same instant as the API writes it: ISO-8601 with Berlin's offset on that day. */
const berlinIso = (day: string, time: string) => expect.stringMatching(new RegExp(`^${day}T${time}:00\\+0[12]:00$`));
/** Next Berlin day (from 2 days ahead) with the given ISO weekday (1 = Monday … 7 = Sunday). */
function nextWeekday(weekday: number): string {
  return futureWeekday(weekday, 2, 'Europe/Berlin');
}

describe('availability from the calendar store (issue 12)', () => {
  let ctx: Ctx;
  let alice: Fixture;
  let bob: Fixture;
  let aliceRoom2: Fixture['calendar'];
  const day = berlinDay(3);

  const get = (url: string, token = alice.token) => ctx.app.inject({ method: 'GET', url, headers: bearer(token) });
  const freebusy = (params: Record<string, string>, token?: string) => get(`/api/freebusy?${new URLSearchParams(params)}`, token);
  const available = (params: Record<string, string>, token?: string) => get(`/api/rooms/available?${new URLSearchParams(params)}`, token);

  beforeAll(async () => {
    // no answer cache here: these tests change the store between identical queries
    ctx = await buildTestApp(testConfig({ AVAILABILITY_CACHE_MS: '0' }));
    alice = await seedUser(ctx.db);
    bob = await seedUser(ctx.db);
    // a second room of alice's
    const second = await seedUser(ctx.db);
    await ctx.db.db.$client`INSERT INTO calendar_users (calendar_id, user_id) VALUES (${second.calendar.id}, ${alice.user.id})`;
    aliceRoom2 = second.calendar;
    for (const room of [alice.calendar, aliceRoom2, bob.calendar]) await seedMirrorState(ctx.db, room.id);
  });

  afterAll(async () => {
    await ctx.app.close();
    await ctx.db.close();
  });

  describe('GET /api/freebusy', () => {
    it('merges overlapping and touching events per calendar, clips them to the span, in the room\'s offset', async () => {
      await seedBusy(ctx.db, alice.calendar.id, [
        [berlin(day, '07:00'), berlin(day, '08:30')], // began before the span
        [berlin(day, '09:00'), berlin(day, '10:00')],
        [berlin(day, '10:00'), berlin(day, '10:30')], // touches: one interval with the one before
        [berlin(day, '12:00'), berlin(day, '13:00')],
        [berlin(day, '12:30'), berlin(day, '12:45')], // inside
        [berlin(day, '17:30'), berlin(day, '19:00')], // runs past the end
        [berlin(day, '18:00'), berlin(day, '19:00')], // starts as the span ends: not in it
      ]);
      await seedBusy(ctx.db, bob.calendar.id, [[berlin(day, '09:00'), berlin(day, '17:00')]]);
      const response = await freebusy({ calendars: alice.calendar.slug, start: `${day}T08:00`, end: `${day}T18:00` });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.start).toEqual(berlinIso(day, '08:00'));
      expect(body.end).toEqual(berlinIso(day, '18:00'));
      expect(body.calendars).toHaveLength(1);
      expect(body.calendars[0]).toMatchObject({ calendar: alice.calendar.slug, stale: false, complete: true, error: null });
      expect(body.calendars[0].busy).toEqual([
        { start: berlinIso(day, '08:00'), end: berlinIso(day, '08:30') },
        { start: berlinIso(day, '09:00'), end: berlinIso(day, '10:30') },
        { start: berlinIso(day, '12:00'), end: berlinIso(day, '13:00') },
        { start: berlinIso(day, '17:30'), end: berlinIso(day, '18:00') },
      ]);
      expect(body.calendars[0].as_of).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[12]:00$/);
      expect(Date.now() - new Date(body.calendars[0].as_of).getTime()).toBeGreaterThanOrEqual(59_000);
      expect('refresh' in body.calendars[0]).toBe(false);
    });

    it('answers all of the caller\'s calendars without `calendars`, never anyone else\'s', async () => {
      const body = (await freebusy({ start: `${day}T08:00`, end: `${day}T18:00` })).json();
      expect(body.calendars.map((c: { calendar: string }) => c.calendar).sort()).toEqual([alice.calendar.slug, aliceRoom2.slug].sort());
      expect(body.calendars.find((c: { calendar: string }) => c.calendar === aliceRoom2.slug).busy).toEqual([]);
    });

    it('is 404 for a calendar not granted to the caller (also among granted ones), as everywhere', async () => {
      for (const calendars of [bob.calendar.slug, `${alice.calendar.slug},${bob.calendar.slug}`, 'no-such-room']) {
        const response = await freebusy({ calendars, start: `${day}T08:00`, end: `${day}T18:00` });
        expect(response.statusCode).toBe(404);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.json()).toMatchObject({ type: '/problems/not-found', status: 404 });
      }
      const bobs = await freebusy({ calendars: bob.calendar.slug, start: `${day}T08:00`, end: `${day}T18:00` }, bob.token);
      expect(bobs.json().calendars[0].busy).toEqual([{ start: berlinIso(day, '09:00'), end: berlinIso(day, '17:00') }]);
      expect((await ctx.app.inject({ url: `/api/freebusy?start=${day}T08:00&end=${day}T18:00` })).statusCode).toBe(401);
    });

    it('refuses bad queries with 400 problem documents naming each field', async () => {
      const cases: [Record<string, string>, string, RegExp][] = [
        [{ end: `${day}T18:00` }, 'querystring.start', /is required/],
        [{ start: `${day} 08:00`, end: `${day}T18:00` }, 'querystring.start', /date-time like/],
        [{ start: `${day}T18:00`, end: `${day}T08:00` }, 'querystring.end', /must be after start/],
        [{ start: `${day}T08:00`, end: `${day}T08:00` }, 'querystring.end', /must be after start/],
        [{ start: '2027-02-30T08:00', end: '2027-03-01T08:00' }, 'querystring.start', /not a valid date-time/],
        [{ start: `${day}T08:00`, end: `${day}T18:00`, timezone: 'Mars/Olympus' }, 'querystring.timezone', /unknown IANA time zone/],
        [{ start: `${day}T08:00`, end: `${day}T18:00`, calendars: 'Room 1' }, 'querystring.calendars', /comma-separated calendar slugs/],
        [{ start: `${day}T08:00`, end: `${day}T18:00`, calendars: '' }, 'querystring.calendars', /comma-separated calendar slugs/],
        [{ start: `${day}T08:00`, end: `${day}T18:00`, fresh: 'maybe' }, 'querystring.fresh', /one of true, false/],
        [{ start: `${day}T08:00`, end: `${day}T18:00`, calendar: alice.calendar.slug }, 'querystring.calendar', /is not a known field/],
      ];
      for (const [params, field, message] of cases) {
        const response = await freebusy(params);
        expect(response.statusCode, JSON.stringify(params)).toBe(400);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        const body = response.json();
        expect(body.type).toBe('/problems/validation');
        expect(body.errors).toContainEqual({ field, message: expect.stringMatching(message) });
      }
      // a repeated parameter is not a string
      expect((await get(`/api/freebusy?start=${day}T08:00&start=${day}T09:00&end=${day}T18:00`)).statusCode).toBe(400);
    });

    it('answers at most 62 days of the wall clock, across a DST switch', async () => {
      // 1 October to 2 December in Berlin is 62 days and one hour of real time (the clocks go back in October)
      const ok = await freebusy({ start: '2027-10-01T10:00', end: '2027-12-02T10:00' });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({ start: '2027-10-01T10:00:00+02:00', end: '2027-12-02T10:00:00+01:00' });
      const long = await freebusy({ start: '2027-10-01T10:00', end: '2027-12-02T10:01' });
      expect(long.statusCode).toBe(400);
      expect(long.json().errors).toEqual([{ field: 'querystring.end', message: 'must be at most 62 days after start' }]);
      // with offsets too, counted on the wall clock of the zone the request is read in (the rooms' Berlin)
      expect((await freebusy({ start: '2027-10-01T10:00:00Z', end: '2027-12-02T11:00:00Z' })).statusCode).toBe(200);
      expect((await freebusy({ start: '2027-10-01T10:00:00Z', end: '2027-12-02T11:00:01Z' })).statusCode).toBe(400);
    });

    it('reads bare times in `timezone`, else in the rooms\' shared zone, else TIME_ZONE; offsets are exact', async () => {
      const withZone = (await freebusy({ calendars: alice.calendar.slug, start: `${day}T08:00`, end: `${day}T18:00`, timezone: 'America/New_York' })).json();
      expect(withZone.start).toMatch(new RegExp(`^${day}T08:00:00-0[45]:00$`));
      // 08:00-18:00 New York is 14:00-24:00 Berlin (13:00-23:00 in the weeks the switches differ): only 17:30-19:00
      expect(withZone.calendars[0].busy).toEqual([{ start: berlinIso(day, '17:30'), end: berlinIso(day, '19:00') }]);

      const exact = (await freebusy({ calendars: alice.calendar.slug, start: berlin(day, '09:30').toISOString(), end: berlin(day, '12:15').toISOString() })).json();
      expect(exact.calendars[0].busy).toEqual([
        { start: berlinIso(day, '09:30'), end: berlinIso(day, '10:30') },
        { start: berlinIso(day, '12:00'), end: berlinIso(day, '12:15') },
      ]);

      // a room in another zone among the asked: bare times are TIME_ZONE's (Europe/Berlin in the tests);
      // each room's busy times are written in its own offset
      const tokyo = await seedUser(ctx.db);
      await seedTimeZone(ctx.db, tokyo.calendar.id, 'Asia/Tokyo');
      await seedMirrorState(ctx.db, tokyo.calendar.id);
      await seedBusy(ctx.db, tokyo.calendar.id, [[berlin(day, '09:00'), berlin(day, '10:00')]]);
      // its only room is in Tokyo: 08:00-18:00 Tokyo, which holds 09:00-10:00 Berlin (16:00 or 17:00 in Tokyo)
      const tokyoBusy = [{ start: expect.stringMatching(new RegExp(`^${day}T1[67]:00:00\\+09:00$`)), end: expect.stringMatching(/T1[78]:00:00\+09:00$/) }];
      const own = (await freebusy({ start: `${day}T08:00`, end: `${day}T18:00` }, tokyo.token)).json();
      expect(own.start).toBe(`${day}T08:00:00+09:00`);
      expect(own.calendars[0].busy).toEqual(tokyoBusy);
      await ctx.db.db.$client`INSERT INTO calendar_users (calendar_id, user_id) VALUES (${alice.calendar.id}, ${tokyo.user.id})`;
      const mixed = (await freebusy({ start: `${day}T08:00`, end: `${day}T18:00` }, tokyo.token)).json();
      expect(mixed.start).toEqual(berlinIso(day, '08:00'));
      expect(mixed.calendars.find((c: { calendar: string }) => c.calendar === tokyo.calendar.slug).busy).toEqual(tokyoBusy);
      // and 08:00-18:00 Tokyo when asked so: the room's own meeting, nothing of Berlin's 09:00-10:30 … 17:30
      const asked = (await freebusy({ calendars: tokyo.calendar.slug, start: `${day}T08:00`, end: `${day}T18:00`, timezone: 'Asia/Tokyo' }, tokyo.token)).json();
      expect(asked.calendars[0].busy).toEqual(tokyoBusy);
    });

    it('says how old a calendar\'s data is: never read, last refresh failed, span beyond the mirrored window', async () => {
      const never = await seedUser(ctx.db);
      let body = (await freebusy({ start: `${day}T08:00`, end: `${day}T18:00` }, never.token)).json();
      expect(body.calendars).toEqual([{ calendar: never.calendar.slug, busy: [], as_of: null, stale: true, complete: false, window: null, error: null }]);

      const refreshedAt = new Date(Date.now() - 3_600_000);
      const failedAt = new Date(Date.now() - 60_000);
      await seedMirrorState(ctx.db, never.calendar.id, { refreshedAt, error: 'CalDAV server unavailable: 503 Service Unavailable', failedAt });
      await seedBusy(ctx.db, never.calendar.id, [[berlin(day, '11:00'), berlin(day, '12:00')]]);
      body = (await freebusy({ start: `${day}T08:00`, end: `${day}T18:00` }, never.token)).json();
      expect(body.calendars[0]).toMatchObject({
        busy: [{ start: berlinIso(day, '11:00'), end: berlinIso(day, '12:00') }], // the last good data
        stale: true,
        complete: true,
        error: { message: 'CalDAV server unavailable: 503 Service Unavailable', at: expect.stringMatching(/\+0[12]:00$/) },
      });
      expect(new Date(body.calendars[0].as_of).getTime()).toBe(Math.floor(refreshedAt.getTime() / 1000) * 1000);
      expect(new Date(body.calendars[0].error.at).getTime()).toBe(Math.floor(failedAt.getTime() / 1000) * 1000);

      // a later success: the old failure no longer counts
      await seedMirrorState(ctx.db, never.calendar.id, { refreshedAt: new Date(), error: 'CalDAV server unavailable', failedAt });
      body = (await freebusy({ start: `${day}T08:00`, end: `${day}T18:00` }, never.token)).json();
      expect(body.calendars[0]).toMatchObject({ stale: false, error: null });

      // the mirror holds today onwards: yesterday is not known
      await seedMirrorState(ctx.db, never.calendar.id, { from: berlin(berlinDay(0), '00:00') });
      body = (await freebusy({ start: `${berlinDay(-1)}T08:00`, end: `${day}T18:00` }, never.token)).json();
      expect(body.calendars[0]).toMatchObject({ complete: false, window: { from: berlinIso(berlinDay(0), '00:00'), to: expect.any(String) } });
    });
  });

  describe('GET /api/rooms/available', () => {
    let rooms: Fixture;
    let a: Fixture['calendar'];
    let b: Fixture['calendar'];
    let c: Fixture['calendar'];
    const weekday = nextWeekday(3); // a Wednesday

    beforeAll(async () => {
      rooms = await seedUser(ctx.db, undefined, { policy: { openingHours: 'Mon-Fri 07:00-20:00' } });
      a = rooms.calendar;
      const more = [await seedUser(ctx.db), await seedUser(ctx.db)];
      [b, c] = more.map((f) => f.calendar) as [Fixture['calendar'], Fixture['calendar']];
      for (const room of [b, c]) await ctx.db.db.$client`INSERT INTO calendar_users (calendar_id, user_id) VALUES (${room.id}, ${rooms.user.id})`;
      await seedAttributes(ctx.db, a.id, { capacity: 8, features: ['Projector', 'whiteboard'], location: 'Building A, 2nd floor' });
      await seedAttributes(ctx.db, b.id, { capacity: 4, features: ['projector'], location: null });
      await seedAttributes(ctx.db, c.id, { capacity: null, features: [], location: 'Annex' });
      for (const room of [a, b, c]) await seedMirrorState(ctx.db, room.id);
      await seedBusy(ctx.db, a.id, [[berlin(weekday, '10:00'), berlin(weekday, '11:00')]]);
      await seedBusy(ctx.db, b.id, [[berlin(weekday, '13:00'), berlin(weekday, '14:00')]]);
    });

    const slugs = (response: { json: () => unknown }) => (response.json() as { calendar: string }[]).map((r) => r.calendar);

    it('lists the caller\'s rooms free for the whole span (touching is free) with their attributes', async () => {
      const response = await available({ start: `${weekday}T11:00`, end: `${weekday}T13:00` }, rooms.token);
      expect(response.statusCode).toBe(200);
      const byCalendar = (x: { calendar: string }, y: { calendar: string }) => (x.calendar < y.calendar ? -1 : 1);
      expect((response.json() as { calendar: string }[]).sort(byCalendar)).toEqual(
        [
          { calendar: a.slug, name: a.slug, capacity: 8, features: ['Projector', 'whiteboard'], location: 'Building A, 2nd floor', as_of: expect.stringMatching(/\+0[12]:00$/) },
          { calendar: b.slug, name: b.slug, capacity: 4, features: ['projector'], location: null, as_of: expect.any(String) },
          { calendar: c.slug, name: c.slug, capacity: null, features: [], location: 'Annex', as_of: expect.any(String) },
        ].sort(byCalendar),
      );
      expect(slugs(await available({ start: `${weekday}T10:30`, end: `${weekday}T13:30` }, rooms.token))).toEqual([c.slug]);
      expect(slugs(await available({ start: `${weekday}T10:59`, end: `${weekday}T11:01` }, rooms.token)).sort()).toEqual([b.slug, c.slug].sort());
    });

    it('matches capacity (unstated never matches) and every feature, in any letter case', async () => {
      const span = { start: `${weekday}T15:00`, end: `${weekday}T16:00` };
      expect(slugs(await available({ ...span, capacity: '4' }, rooms.token)).sort()).toEqual([a.slug, b.slug].sort());
      expect(slugs(await available({ ...span, capacity: '5' }, rooms.token))).toEqual([a.slug]);
      expect(slugs(await available({ ...span, features: 'projector' }, rooms.token)).sort()).toEqual([a.slug, b.slug].sort());
      expect(slugs(await available({ ...span, features: 'WHITEBOARD,projector' }, rooms.token))).toEqual([a.slug]);
      expect(slugs(await available({ ...span, features: 'projector, whiteboard', capacity: '10' }, rooms.token))).toEqual([]);
    });

    it('honours booking rules: a room closed then, or a span in the past, is not available', async () => {
      // a is open Mon-Fri 07:00-20:00 (Berlin)
      expect(slugs(await available({ start: `${weekday}T19:00`, end: `${weekday}T21:00` }, rooms.token)).sort()).toEqual([b.slug, c.slug].sort());
      const saturday = nextWeekday(6);
      expect(slugs(await available({ start: `${saturday}T10:00`, end: `${saturday}T11:00` }, rooms.token)).sort()).toEqual([b.slug, c.slug].sort());
      const past = berlinDay(-1);
      await seedMirrorState(ctx.db, c.id, { from: berlin(berlinDay(-2), '00:00') });
      expect(slugs(await available({ start: `${past}T10:00`, end: `${past}T11:00` }, rooms.token))).toEqual([]);
      await seedMirrorState(ctx.db, c.id);
    });

    it('leaves out rooms whose mirror was never read or does not cover the span; keeps a stale one with its age', async () => {
      const span = { start: `${weekday}T15:00`, end: `${weekday}T16:00` };
      await seedMirrorState(ctx.db, b.id, { refreshedAt: null, from: null, to: null });
      await seedMirrorState(ctx.db, c.id, { to: berlin(weekday, '15:30') });
      try {
        expect(slugs(await available(span, rooms.token))).toEqual([a.slug]);
        await seedMirrorState(ctx.db, a.id, { refreshedAt: new Date(Date.now() - 7_200_000), error: 'timeout', failedAt: new Date() });
        const [room] = (await available(span, rooms.token)).json();
        expect(Date.now() - new Date(room.as_of).getTime()).toBeGreaterThan(7_000_000);
      } finally {
        for (const room of [a, b, c]) await seedMirrorState(ctx.db, room.id);
      }
    });

    it('validates like free/busy and never shows another user\'s rooms', async () => {
      const cases: [Record<string, string>, string][] = [
        [{ start: `${weekday}T15:00` }, 'querystring.end'],
        [{ start: `${weekday}T15:00`, end: `${weekday}T16:00`, capacity: 'six' }, 'querystring.capacity'],
        [{ start: `${weekday}T15:00`, end: `${weekday}T16:00`, capacity: '-1' }, 'querystring.capacity'],
        [{ start: `${weekday}T15:00`, end: `${weekday}T16:00`, features: 'a,,b' }, 'querystring.features'],
        [{ start: `${weekday}T16:00`, end: `${weekday}T15:00` }, 'querystring.end'],
        [{ start: `${weekday}T15:00`, end: '2099-01-01T00:00' }, 'querystring.end'],
        [{ start: `${weekday}T15:00`, end: `${weekday}T16:00`, calendars: a.slug }, 'querystring.calendars'],
      ];
      for (const [params, field] of cases) {
        const response = await available(params, rooms.token);
        expect(response.statusCode, JSON.stringify(params)).toBe(400);
        expect(response.json().errors.map((e: { field: string }) => e.field)).toContain(field);
      }
      expect(slugs(await available({ start: `${weekday}T15:00`, end: `${weekday}T16:00` }, alice.token)).sort()).toEqual([alice.calendar.slug, aliceRoom2.slug].sort());
    });
  });

  it('never answers 5xx to malformed queries: 400 problem documents, or a well-formed 200 (fast-check)', async () => {
    const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom('', ',', 'a,,b', '9999-99-99T99:99', '2027-02-29T10:00', '2027-03-28T02:30', '-1', '1e3', 'true', 'Europe/Berlin', 'x'.repeat(2000)));
    const date = fc.oneof(text, fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((d) => d.toISOString()), fc.constantFrom(`${day}T08:00`, `${day}T18:00`, `${day}T18:00+14:00`));
    const params = fc.record(
      { calendars: fc.oneof(text, fc.constant(alice.calendar.slug)), start: date, end: date, timezone: text, fresh: fc.constantFrom('false', 'no', '0'), capacity: text, features: text, extra: text },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/api/freebusy', '/api/rooms/available'), params, async (path, query) => {
        const response = await get(`${path}?${new URLSearchParams(query as Record<string, string>)}`);
        expect(response.statusCode, `${path} ${JSON.stringify(query).slice(0, 300)}`).toBeLessThan(500);
        if (response.statusCode >= 400) {
          expect([400, 404]).toContain(response.statusCode);
          expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        } else expect(response.json()).toBeTypeOf('object');
      }),
      { numRuns: 400, seed: 20261129 },
    );
  });

  it('GET /api/calendars shows capacity, features and location; the OpenAPI document has both queries', async () => {
    await seedAttributes(ctx.db, aliceRoom2.id, { capacity: 12, features: ['video-conference'], location: 'Building B' });
    const list = (await get('/api/calendars')).json();
    expect(list.calendars.find((c: { slug: string }) => c.slug === aliceRoom2.slug)).toMatchObject({ capacity: 12, features: ['video-conference'], location: 'Building B' });
    expect(list.calendars.find((c: { slug: string }) => c.slug === alice.calendar.slug)).toMatchObject({ capacity: null, features: [], location: null });
    const spec = (await ctx.app.inject({ url: '/api/openapi.json' })).json();
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/freebusy', '/api/rooms/available']));
    expect(spec.paths['/api/freebusy'].get.responses['200'].content['application/json'].example.calendars).toHaveLength(2);
    expect(spec.paths['/api/rooms/available'].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['capacity', 'end', 'features', 'start', 'timezone']);
  });
});

describe('answer cache (AVAILABILITY_CACHE_MS)', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await buildTestApp(testConfig({ AVAILABILITY_CACHE_MS: '60000' }));
  });
  afterAll(async () => {
    await ctx.app.close();
    await ctx.db.close();
  });

  it('answers the same query of the same user from memory until an access change; another query or another user is answered afresh', async () => {
    const alice = await seedUser(ctx.db);
    const day = berlinDay(6);
    await seedMirrorState(ctx.db, alice.calendar.id);
    const url = `/api/freebusy?start=${day}T08:00&end=${day}T18:00`;
    const ask = (u = url, token = alice.token) => ctx.app.inject({ url: u, headers: bearer(token) });
    const first = await ask();
    expect(first.json().calendars[0].busy).toEqual([]);
    await seedBusy(ctx.db, alice.calendar.id, [[berlin(day, '10:00'), berlin(day, '11:00')]]);
    const second = await ask();
    expect(second.json().calendars[0].busy).toEqual([]); // from memory
    expect(second.body).toBe(first.body);
    expect(second.headers['content-type']).toBe('application/json; charset=utf-8');
    expect((await ask(`${url}&timezone=Europe/Berlin`)).json().calendars[0].busy).toHaveLength(1); // another query
    expect((await ask(`/api/rooms/available?start=${day}T10:30&end=${day}T11:30`)).json()).toEqual([]);

    // a grant revoked: the access-change message drops the answers with the grants
    const other = await seedUser(ctx.db);
    await ctx.db.db.$client`INSERT INTO calendar_users (calendar_id, user_id) VALUES (${alice.calendar.id}, ${other.user.id})`;
    expect((await ask(`${url}&calendars=${alice.calendar.slug}`, other.token)).json().calendars[0].busy).toHaveLength(1);
    ctx.app.access.clear();
    expect((await ask()).json().calendars[0].busy).toEqual([{ start: berlinIso(day, '10:00'), end: berlinIso(day, '11:00') }]);
  });
});

describe('fresh=true: refresh first, wait up to 10 s (issue 12)', () => {
  let ctx: Ctx;
  let alice: Fixture;
  let worker: Worker;
  let connection: ReturnType<typeof createWorkerConnection>;
  const day = berlinDay(4);

  beforeAll(async () => {
    ctx = await buildTestApp();
    alice = await seedUser(ctx.db);
    await seedMirrorState(ctx.db, alice.calendar.id, { refreshedAt: new Date(Date.now() - 600_000) });
    // Stands in for the worker's refresh on the real `mirror` queue: it records what a refresh of
    // the room's server would find (a new meeting), or fails as a dead server would.
    worker = new Worker(
      'mirror',
      async (job: Job<{ calendarId: number; reason: string }>) => {
        const { calendarId } = job.data;
        if (failing.has(calendarId)) {
          await ctx.db.db.$client`UPDATE calendars SET mirror_error = 'CalDAV server unavailable', mirror_failed_at = now() WHERE id = ${calendarId}`;
          throw new Error('CalDAV server unavailable');
        }
        await seedBusy(ctx.db, calendarId, [[berlin(day, '15:00'), berlin(day, '16:00')]], `refresh-${job.id}.ics`);
        await ctx.db.db.$client`UPDATE calendars SET mirror_refreshed_at = now() WHERE id = ${calendarId}`;
        return { method: 'ctag', unchanged: false, fetched: 1, removed: 0, objects: 1, refreshed_at: new Date().toISOString() };
      },
      { connection: (connection = createWorkerConnection(ctx.config.REDIS_URL)), prefix: ctx.config.QUEUE_PREFIX },
    );
  });
  const failing = new Set<number>();

  afterAll(async () => {
    await worker.close();
    connection.disconnect();
    await ctx.app.close();
    await ctx.db.close();
  });

  it('queues a refresh-calendar job (reason request) and answers with what it found', async () => {
    const before = (await ctx.app.inject({ url: `/api/freebusy?start=${day}T08:00&end=${day}T18:00`, headers: bearer(alice.token) })).json();
    expect(before.calendars[0].busy).toEqual([]);
    const response = await ctx.app.inject({ url: `/api/freebusy?start=${day}T08:00&end=${day}T18:00&fresh=true`, headers: bearer(alice.token) });
    expect(response.statusCode).toBe(200);
    const calendar = response.json().calendars[0];
    expect(calendar).toMatchObject({ refresh: 'done', stale: false, busy: [{ start: berlinIso(day, '15:00'), end: berlinIso(day, '16:00') }] });
    expect(Date.now() - new Date(calendar.as_of).getTime()).toBeLessThan(10_000);
    const queue = new Queue('mirror', { connection, prefix: ctx.config.QUEUE_PREFIX });
    const [job] = await queue.getJobs(['completed']);
    expect(job!.name).toBe('refresh-calendar');
    expect(job!.data).toEqual({ calendarId: alice.calendar.id, reason: 'request' });
    await queue.close();
  });

  it('says when the refresh failed, and answers the last good data', async () => {
    failing.add(alice.calendar.id);
    const response = await ctx.app.inject({ url: `/api/freebusy?start=${day}T08:00&end=${day}T18:00&fresh=1`, headers: bearer(alice.token) });
    failing.delete(alice.calendar.id);
    const calendar = response.json().calendars[0];
    expect(calendar).toMatchObject({ refresh: 'failed', stale: true, error: { message: 'CalDAV server unavailable' } });
    expect(calendar.busy).toEqual([{ start: berlinIso(day, '15:00'), end: berlinIso(day, '16:00') }]);
  });
});

describe('fresh=true without a worker: rate limit, one job per calendar, 10 s at most (issue 12)', () => {
  let ctx: Ctx;
  let alice: Fixture;
  let queue: Queue;

  beforeAll(async () => {
    ctx = await buildTestApp(testConfig({ RATE_LIMIT_JOBS_MAX: '2', RATE_LIMIT_JOBS_WINDOW_SECONDS: '600' }));
    alice = await seedUser(ctx.db);
    await seedMirrorState(ctx.db, alice.calendar.id);
    queue = new Queue('mirror', { connection: createWorkerConnection(ctx.config.REDIS_URL), prefix: ctx.config.QUEUE_PREFIX });
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await ctx.app.close();
    await ctx.db.close();
  });

  it('waits 10 s, then answers the mirror as it is, saying the refresh is pending; a burst shares one job; the job limit counts', async () => {
    const day = berlinDay(5);
    const url = `/api/freebusy?start=${day}T08:00&end=${day}T18:00&fresh=true`;
    const started = Date.now();
    const answers = await Promise.all([0, 1].map(() => ctx.app.inject({ url, headers: bearer(alice.token) })));
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(9_900);
    expect(took).toBeLessThan(20_000);
    for (const answer of answers) {
      expect(answer.statusCode).toBe(200);
      expect(answer.json().calendars[0]).toMatchObject({ refresh: 'pending', stale: true, complete: true });
    }
    const waiting = await queue.getJobs(['waiting']);
    expect(waiting.map((j) => j.data)).toEqual([{ calendarId: alice.calendar.id, reason: 'request' }]);

    const limited = await ctx.app.inject({ url, headers: bearer(alice.token) });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ type: '/problems/rate-limited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // reading without fresh is not limited
    expect((await ctx.app.inject({ url: url.replace('&fresh=true', ''), headers: bearer(alice.token) })).statusCode).toBe(200);
  }, 40_000);
});
