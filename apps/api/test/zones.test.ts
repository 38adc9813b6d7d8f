import { createCalendarsRepository, createSecretBox, createUsersRepository } from '@roombook/db';
import { compactDay, futureDay, getObject, makeCalendar, putObject, uniqueName } from '@roombook/testing';
import type { RunningWorkers } from '@roombook/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { TEST_SECRET_KEY, bearer, buildTestApp, startTestWorkers } from './helper.js';
import { zoneScenarios, type ZoneScenario } from './zone-scenarios.js';

/**
 * Issue 8's zone scenarios against the real Radicale, cleared through the worker: bookings made
 * through the API in each room's zone, objects other clients wrote with only a TZID (IANA, alias,
 * Windows) or in UTC, and the overlaps that exist only under the current zone rules.
 */
describe('clearing rooms in every kind of time zone', () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let workers: RunningWorkers;
  let token: string;
  const [rooms] = inject('radicaleUsers');
  const tag = uniqueName('z');
  const scenarios = zoneScenarios(tag);
  const rooms_: { scenario: ZoneScenario; slug: string; collection: string; href: Record<string, string>; uid: Record<string, string>; before: Record<string, string | undefined> }[] = [];

  const snapshot = async (href: Record<string, string>) =>
    Object.fromEntries(await Promise.all(Object.entries(href).map(async ([k, url]) => [k, await getObject(url, rooms!)] as const)));

  const book = async (slug: string, body: Record<string, string>) => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: `/api/${slug}/events`,
      headers: { ...bearer(token), prefer: 'wait=30' },
      payload: body,
    });
    expect(response.statusCode, response.body).toBe(201);
    return (response.json() as { id: string }).id;
  };

  beforeAll(async () => {
    // TIME_ZONE is Europe/Berlin (helper.ts): no room here is in it, so a naive time read in
    // TIME_ZONE instead of the room's zone shows.
    ctx = await buildTestApp();
    const users = createUsersRepository(ctx.db.db);
    const calendars = createCalendarsRepository(ctx.db.db, createSecretBox(TEST_SECRET_KEY));
    const user = await users.create({ name: uniqueName('zones') });
    token = (await users.createKey({ userName: user.name })).token;
    workers = await startTestWorkers(ctx.config);
    for (const scenario of scenarios) {
      const collection = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName(scenario.zone.split('/')[1]!.toLowerCase().replace(/_/g, '-')));
      const slug = uniqueName('room');
      await calendars.create({ slug, url: collection, username: 'rooms', password: 'rooms-pass', timeZone: scenario.zone });
      await calendars.grant(slug, user.name, { manage: true });
      const href: Record<string, string> = {};
      const uid: Record<string, string> = {};
      for (const booking of scenario.bookings) {
        uid[booking.key] = await book(slug, { name: booking.name, start: booking.start, end: booking.end });
        href[booking.key] = new URL(`${uid[booking.key]}.ics`, collection).href;
      }
      for (const object of scenario.objects) {
        href[object.key] = await putObject(collection, rooms!, object.file, object.ics);
        uid[object.key] = /^UID:(.*)$/m.exec(object.ics)![1]!.trim();
      }
      rooms_.push({ scenario, slug, collection, href, uid, before: await snapshot(href) });
    }
  });

  afterAll(async () => {
    await workers.close();
    await ctx.app.close();
    await ctx.db.close();
  });

  it('writes API bookings at the naive time in the room\'s zone, with a current VTIMEZONE', () => {
    const saoPaulo = rooms_.find((r) => r.scenario.zone === 'America/Sao_Paulo')!;
    const booked = saoPaulo.before['booked']!;
    const date = saoPaulo.scenario.bookings[0]!.start.slice(0, 10).replace(/-/g, '');
    expect(booked).toContain(`DTSTART;TZID=America/Sao_Paulo:${date}T100000`);
    // no summer time in Sao Paulo any more: one fixed offset, no DAYLIGHT observance
    expect(booked).not.toContain('BEGIN:DAYLIGHT');
    expect(booked).not.toContain('TZOFFSETTO:-0200');
    const kyiv = rooms_.find((r) => r.scenario.zone === 'Europe/Kyiv')!;
    expect(kyiv.before['booked']).toContain('TZID:Europe/Kyiv');
  });

  it('an explicit request timezone beats the room\'s zone', async () => {
    const kathmandu = rooms_.find((r) => r.scenario.zone === 'Asia/Kathmandu')!;
    // Any day ahead; 15:00 Kathmandu (and 10:00 Berlin, 13:45 or 14:45 there) clashes with none of the room's objects on any day.
    const day = futureDay();
    const id = await book(kathmandu.slug, { name: 'From Berlin', start: `${day}T10:00`, end: `${day}T10:05`, timezone: 'Europe/Berlin' });
    const written = await getObject(new URL(`${id}.ics`, kathmandu.collection).href, rooms!);
    expect(written).toContain(`DTSTART;TZID=Europe/Berlin:${compactDay(day)}T100000`);
    const naive = await book(kathmandu.slug, { name: 'Local', start: `${day}T15:00`, end: `${day}T15:05` });
    expect(await getObject(new URL(`${naive}.ics`, kathmandu.collection).href, rooms!)).toContain(`DTSTART;TZID=Asia/Kathmandu:${compactDay(day)}T150000`);
  });

  it('clears each room by the current rules: exactly the losers go, unreadable objects and runaway series are reported and kept', async () => {
    for (const room of rooms_) {
      const { scenario, href, uid, before } = room;
      const response = await ctx.app.inject({
        method: 'DELETE',
        url: `/api/clear-bookings?calendar=${room.slug}`,
        headers: { ...bearer(token), prefer: 'wait=60' },
      });
      expect(response.statusCode, `${scenario.zone}: ${response.body}`).toBe(200);
      const report = response.json();
      const keyOf = (url: string) => Object.entries(href).find(([, h]) => new URL(h).pathname === new URL(url, h).pathname)?.[0];
      const deleted = report.deleted_overlapping_events.map((i: { event: { uid: string } }) => i.event.uid).sort();
      expect(deleted, scenario.zone).toEqual(scenario.deleted.map((key) => uid[key]).sort());
      expect(report.deleted_overlapping_events.every((i: { status: string }) => i.status === 'applied')).toBe(true);
      expect(report.unreadable_objects.map((u: { href: string }) => keyOf(u.href)), scenario.zone).toEqual(scenario.unreadable);
      expect(report.truncated_series.map((t: { href: string }) => keyOf(t.href)), scenario.zone).toEqual(scenario.truncated);

      const after = await snapshot(href);
      for (const key of Object.keys(href)) {
        if (scenario.deleted.includes(key)) expect(after[key], `${scenario.zone}: ${key} is deleted`).toBeUndefined();
        else expect(after[key], `${scenario.zone}: ${key} is unchanged`).toBe(before[key]);
      }
    }
  });
});
