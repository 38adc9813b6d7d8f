import { createAuditLogRepository, createCalendarsRepository, createSecretBox, createUsersRepository } from '@roombook/db';
import { basicAuth, getObject, makeCalendar, putObject, startDavical, uniqueName, type DavicalServer, type DavicalUser } from '@roombook/testing';
import type { RunningWorkers } from '@roombook/worker';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { TEST_SECRET_KEY, bearer, buildTestApp, startTestWorkers } from './helper.js';
import { ZONE, day, event } from './ics.js';

/**
 * The whole decline path against a real RFC 6638 scheduling server (Debian's DAViCal): alice
 * invites the room to a weekly series, DAViCal files a copy into the room's default calendar, a
 * clear declines the one occurrence that clashes with an earlier booking, and DAViCal delivers the
 * room's REPLY to alice. Radicale cannot show this: it does no scheduling at all.
 */
describe('clearing a room calendar on a scheduling server (DAViCal)', () => {
  let davical: DavicalServer;
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let workers: RunningWorkers;
  let alice: DavicalUser;
  let room: DavicalUser;
  let token: string;
  let slug: string;
  let calendarId: number;
  let roomCalendar: string;

  const seriesUid = uniqueName('design-review');
  const seriesFile = `${seriesUid}.ics`;
  // the 2nd occurrence of a weekly series starting day(7)
  const clashDay = day(14);

  beforeAll(async () => {
    // The same PostgreSQL server as the run's roombook database (so TEST_PG_URL applies here too).
    const pgServer = new URL(inject('databaseUrl'));
    pgServer.pathname = '/postgres';
    davical = await startDavical(pgServer.toString());
    alice = davical.users.find((u) => u.username === 'alice')!;
    room = davical.users.find((u) => u.username === 'room')!;
    roomCalendar = new URL('room/calendar/', davical.url).toString();

    ctx = await buildTestApp();
    const users = createUsersRepository(ctx.db.db);
    const calendars = createCalendarsRepository(ctx.db.db, createSecretBox(TEST_SECRET_KEY));
    const user = await users.create({ name: uniqueName('user') });
    token = (await users.createKey({ userName: user.name })).token;
    slug = uniqueName('room');
    calendarId = (await calendars.create({ slug, url: roomCalendar, username: room.username, password: room.password, timeZone: ZONE })).id;
    await calendars.update(slug, { roomEmail: room.email });
    await calendars.grant(slug, user.name, { manage: true });
    workers = await startTestWorkers(ctx.config);
  });

  afterAll(async () => {
    await workers?.close();
    await ctx?.app.close();
    await ctx?.db.close();
    await davical?.stop();
  });

  it('declines the clashing occurrence as the room, and DAViCal tells alice', async () => {
    // alice invites the room from her own calendar; lower-case mailto: (DAViCal matches it case-sensitively)
    const aliceCopy = new URL(seriesFile, new URL('alice/calendar/', davical.url)).toString();
    const invite = await fetch(aliceCopy, {
      method: 'PUT',
      headers: { authorization: basicAuth(alice), 'content-type': 'text/calendar; charset=utf-8' },
      body: event({
        uid: seriesUid, summary: 'Design review', date: day(7), from: '0900', to: '1000', created: '20260801T080000Z',
        extra: [
          'RRULE:FREQ=WEEKLY;COUNT=3',
          'ORGANIZER;CN=Alice:mailto:alice@example.test',
          'ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=CHAIR;PARTSTAT=ACCEPTED;CN=Alice:mailto:alice@example.test',
          'ATTENDEE;CUTYPE=ROOM;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Room:mailto:room@example.test',
        ],
      }),
    });
    expect(invite.status).toBe(201);
    // A PUT that triggers scheduling is stored altered (SCHEDULE-STATUS added), so DAViCal sends no
    // ETag; the worker's decline is such a PUT and has to re-fetch the ETag of what it wrote.
    expect(invite.headers.get('etag')).toBeNull();
    // implicit scheduling filed the invitation into the room's default calendar
    const roomCopyUrl = new URL(seriesFile, roomCalendar).toString();
    const invited = await getObject(roomCopyUrl, room);
    expect(invited, 'DAViCal should have filed the invitation into room/calendar/').toBeDefined();
    expect(partstatOn(invited!, room.email, clashDay)).toBe('NEEDS-ACTION');

    // booked earlier, straight into the room's calendar, overlapping the 2nd occurrence
    await putObject(roomCalendar, room, 'board.ics', event({ uid: uniqueName('board'), summary: 'Board', date: clashDay, from: '0930', to: '1030', created: '20260101T080000Z' }));

    const response = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/clear-bookings?calendar=${slug}`,
      headers: { ...bearer(token), prefer: 'wait=60' },
    });
    expect(response.statusCode).toBe(200);
    const report = response.json();
    expect(report.deleted_overlapping_events).toEqual([]);
    expect(report.deleted_cancelled_events).toEqual([]);
    expect(report.cancelled_overlapping_recurring_events).toHaveLength(1);
    const [declined] = report.cancelled_overlapping_recurring_events;
    expect(declined).toMatchObject({ action: 'declined', status: 'applied', calendar: slug, event: { uid: seriesUid, organizer: alice.email }, overlaps_with: { name: 'Board' } });
    expect(declined.recurrence_id).toBeTruthy();

    // the room's copy: an override declines that one occurrence; the series itself stays as it was
    const roomCopy = (await getObject(roomCopyUrl, room))!;
    const vevents = new ICAL.Component(ICAL.parse(roomCopy)).getAllSubcomponents('vevent');
    expect(vevents).toHaveLength(2);
    const master = vevents.find((v) => !v.hasProperty('recurrence-id'))!;
    expect(master.getFirstPropertyValue('rrule')?.toString()).toBe('FREQ=WEEKLY;COUNT=3');
    const override = vevents.find((v) => v.hasProperty('recurrence-id'))!;
    expect(override.getFirstPropertyValue('recurrence-id')?.toString()).toBe(`${isoDate(clashDay)}T09:00:00`);
    expect(partstatOn(roomCopy, room.email, clashDay)).toBe('DECLINED');
    for (const other of [day(7), day(21)]) expect(partstatOn(roomCopy, room.email, other), other).toBe('NEEDS-ACTION');
    // the audit entry holds the ETag of what the worker wrote, re-fetched since DAViCal's answer had none
    const [entry] = (await createAuditLogRepository(ctx.db.db).list({ calendarId })).filter((a) => a.uid === seriesUid);
    expect(entry).toMatchObject({ action: 'declined' });
    expect((await createAuditLogRepository(ctx.db.db).require(entry!.id)).etagAfter).toBe(await getEtag(roomCopyUrl, room));

    // DAViCal turned the room's PUT into a REPLY: alice's own copy shows the room declined that occurrence
    // DAViCal 1.1.12 is not recurrence-aware here: do_scheduling_reply (inc/caldav-PUT-functions.php)
    // copies the room's ATTENDEE from the last VEVENT of our PUT (the override) onto every VEVENT of
    // alice's copy, and its REPLY carries no RECURRENCE-ID. So alice's copy has no override and shows
    // the whole series declined; only the occurrence is asserted, since that is what we declined.
    const aliceAfter = (await getObject(aliceCopy, alice))!;
    expect(partstatOn(aliceAfter, room.email, clashDay)).toBe('DECLINED');
    // ... and the REPLY itself sits in alice's schedule inbox
    const replies = (await inboxItems(new URL('alice/.in/', davical.url).toString(), alice)).filter((ics) => /^METHOD:REPLY\r?$/m.test(ics) && ics.includes(seriesUid));
    expect(replies).toHaveLength(1);
    const replyAttendee = new ICAL.Component(ICAL.parse(replies[0]!)).getFirstSubcomponent('vevent')!.getFirstProperty('attendee')!;
    expect(String(replyAttendee.getFirstValue()).toLowerCase()).toBe(`mailto:${room.email}`);
    expect(replyAttendee.getParameter('partstat')).toBe('DECLINED');
  });

  it('changes nothing when run again', async () => {
    const roomCopyUrl = new URL(seriesFile, roomCalendar).toString();
    const before = await getObject(roomCopyUrl, room);
    const response = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/clear-bookings?calendar=${slug}`,
      headers: { ...bearer(token), prefer: 'wait=60' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().cancelled_overlapping_recurring_events).toEqual([]);
    expect(await getObject(roomCopyUrl, room)).toBe(before);
  });

  it('books and cancels a room through the API', async () => {
    const collection = await makeCalendar(davical.url, room, uniqueName('crud'));
    const calendars = createCalendarsRepository(ctx.db.db, createSecretBox(TEST_SECRET_KEY));
    const crudSlug = uniqueName('crud');
    await calendars.create({ slug: crudSlug, url: collection, username: room.username, password: room.password, timeZone: ZONE });
    const user = await createUsersRepository(ctx.db.db).create({ name: uniqueName('user') });
    const key = (await createUsersRepository(ctx.db.db).createKey({ userName: user.name })).token;
    await calendars.grant(crudSlug, user.name, { manage: true });
    const d = isoDate(day(9));

    const booked = await ctx.app.inject({
      method: 'POST',
      url: `/api/${crudSlug}/events`,
      headers: { ...bearer(key), prefer: 'wait=30' },
      payload: { name: 'Sprint planning', start: `${d}T10:00`, end: `${d}T11:00` },
    });
    expect(booked.statusCode).toBe(201);
    const id: string = booked.json().id;
    const stored = await getObject(new URL(`${id}.ics`, collection).toString(), room);
    expect(stored).toContain(`UID:${id}`);
    expect(stored).toContain('SUMMARY:Sprint planning');

    const cancelled = await ctx.app.inject({ method: 'DELETE', url: `/api/${crudSlug}/events/${id}`, headers: { ...bearer(key), prefer: 'wait=30' } });
    expect(cancelled.statusCode).toBe(204);
    expect(await getObject(new URL(`${id}.ics`, collection).toString(), room)).toBeUndefined();
  });
});

/** YYYYMMDD -> YYYY-MM-DD */
function isoDate(yyyymmdd: string): string {
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6)}`;
}

/**
 * The PARTSTAT an attendee has on the occurrence that starts on a given local day: the override's
 * when there is one for that day, otherwise the series master's.
 */
function partstatOn(ics: string, email: string, yyyymmdd: string): string | undefined {
  const vevents = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent');
  const override = vevents.find((v) => v.getFirstPropertyValue('recurrence-id')?.toString().startsWith(isoDate(yyyymmdd)));
  const component = override ?? vevents.find((v) => !v.hasProperty('recurrence-id'));
  const attendee = component?.getAllProperties('attendee').find((p) => String(p.getFirstValue()).toLowerCase() === `mailto:${email}`);
  const partstat = attendee?.getParameter('partstat');
  return typeof partstat === 'string' ? partstat : undefined;
}

/** The stored object's getetag (PROPFIND Depth 0). */
async function getEtag(url: string, user: DavicalUser): Promise<string | undefined> {
  const response = await fetch(url, {
    method: 'PROPFIND',
    headers: { authorization: basicAuth(user), depth: '0', 'content-type': 'application/xml' },
    body: '<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>',
  });
  expect(response.status).toBe(207);
  return /<(?:\w+:)?getetag>([^<]+)<\/(?:\w+:)?getetag>/.exec(await response.text())?.[1];
}

/** Every object in a schedule inbox (PROPFIND Depth 1, then GET each). */
async function inboxItems(inboxUrl: string, user: DavicalUser): Promise<string[]> {
  const listing = await fetch(inboxUrl, {
    method: 'PROPFIND',
    headers: { authorization: basicAuth(user), depth: '1', 'content-type': 'application/xml' },
    body: '<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>',
  });
  expect(listing.status).toBe(207);
  const hrefs = [...(await listing.text()).matchAll(/<(?:\w+:)?href>([^<]+\.ics)<\/(?:\w+:)?href>/g)].map((m) => m[1]!);
  const items = await Promise.all(hrefs.map((href) => getObject(new URL(href, inboxUrl).toString(), user)));
  return items.filter((ics): ics is string => ics !== undefined);
}
