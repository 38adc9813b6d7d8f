import { randomUUID } from 'node:crypto';

import { afterEach, describe, expect, inject, it, vi } from 'vitest';

import { basicAuth, getObject, icsEvent, makeCalendar, putObject, uniqueName, type CalDavUser } from '@roombook/testing';

import { createCalDavClient } from '../src/index.js';

const at = (iso: string) => new Date(iso);

async function setup(prefix: string) {
  const rooms: CalDavUser = inject('radicaleUsers')[0]!;
  const url = await makeCalendar(inject('radicaleUrl'), rooms, uniqueName(prefix));
  const client = createCalDavClient({ url, username: rooms.username, password: rooms.password });
  return { rooms, url, client };
}

describe('fetchObjects', () => {
  it('returns every object holding a VEVENT, whatever its dates, with recurring masters as stored', async () => {
    const { rooms, url, client } = await setup('all');
    // No time range goes to the server: which occurrences a series has in a window is for @roombook/ical
    // to say (Xandikos and SabreDAV get it wrong, see servers.test.ts), so past and later objects come too.
    const single = await putObject(url, rooms, 'single.ics', icsEvent({ uid: 'single', start: at('2030-03-04T10:00:00Z'), end: at('2030-03-04T11:00:00Z') }));
    const weekly = await putObject(url, rooms, 'weekly.ics', icsEvent({ uid: 'weekly', start: at('2030-01-07T09:00:00Z'), end: at('2030-01-07T10:00:00Z'), rrule: 'FREQ=WEEKLY;COUNT=20' }));
    const past = await putObject(url, rooms, 'past.ics', icsEvent({ uid: 'past', start: at('2020-03-10T10:00:00Z'), end: at('2020-03-10T11:00:00Z') }));
    const ended = await putObject(url, rooms, 'ended.ics', icsEvent({ uid: 'ended', start: at('2020-01-07T09:00:00Z'), end: at('2020-01-07T10:00:00Z'), rrule: 'FREQ=WEEKLY;COUNT=3' }));
    // A task is no booking.
    await putObject(url, rooms, 'todo.ics', 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//roombook//tests//EN\r\nBEGIN:VTODO\r\nUID:todo\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Clean the whiteboard\r\nEND:VTODO\r\nEND:VCALENDAR\r\n');

    const objects = await client.fetchObjects();

    expect(objects.map((o) => o.href).sort()).toEqual([single, weekly, past, ended].sort());
    const master = objects.find((o) => o.href === weekly)!;
    // The master as stored: no server-side expansion into a RECURRENCE-ID instance.
    expect(master.data).toContain('RRULE:FREQ=WEEKLY;COUNT=20');
    expect(master.data).toContain('DTSTART:20300107T090000Z');
    expect(master.data).not.toContain('RECURRENCE-ID');
    for (const object of objects) expect(object.etag).toMatch(/^".+"$/);
    // The listing names the same objects at the same versions, without their data.
    expect((await client.listObjects()).sort((a, b) => a.href.localeCompare(b.href))).toEqual(
      objects.map((o) => ({ href: o.href, etag: o.etag })).sort((a, b) => a.href.localeCompare(b.href)),
    );
  });

  it('returns the exact text a GET returns, final CRLF included', async () => {
    const { rooms, url, client } = await setup('exact');
    const href = await putObject(url, rooms, 'e.ics', icsEvent({ uid: 'e', start: at('2030-03-04T10:00:00Z'), end: at('2030-03-04T11:00:00Z') }));
    const [object] = await client.fetchObjects();
    expect(object?.data).toBe(await getObject(href, rooms));
  });

  it('finds objects whatever their file names (Thunderbird uuid, Apple style, no .ics suffix)', async () => {
    const { rooms, url, client } = await setup('names');
    const start = at('2030-05-06T10:00:00Z');
    const end = at('2030-05-06T11:00:00Z');
    const names = [`${randomUUID()}.ics`, `{${randomUUID().toUpperCase()}}.ics`, 'ABC-123-DEF-456.ics', 'no-suffix-object', 'mail@host.ics'];
    const hrefs = [];
    for (const [i, name] of names.entries()) hrefs.push(await putObject(url, rooms, encodeURIComponent(name), icsEvent({ uid: `uid-${i}`, start, end })));

    const objects = await client.fetchObjects();
    expect(objects.map((o) => o.href).sort()).toEqual([...hrefs].sort());

    // findByUid goes by the VEVENT's UID, not the file name.
    for (const [i, href] of hrefs.entries()) {
      const found = await client.findByUid(`uid-${i}`);
      expect(found?.href).toBe(href);
      expect(found?.etag).toMatch(/^".+"$/);
      expect(found?.data).toContain(`UID:uid-${i}`);
    }
  });
});

describe('fetchObjectsAt', () => {
  it('fetches more objects than one multiget carries', async () => {
    const { rooms, url, client } = await setup('many');
    // Radicale stores a VCALENDAR PUT onto the collection itself as one object per UID: 260 objects in one request.
    const events = Array.from({ length: 260 }, (_, i) =>
      icsEvent({ uid: `m${i}`, start: at('2030-03-05T09:00:00Z'), end: at('2030-03-05T10:00:00Z') }).replace(/^[\s\S]*?(BEGIN:VEVENT[\s\S]*END:VEVENT\r\n)[\s\S]*$/, '$1'),
    );
    const upload = await fetch(url, {
      method: 'PUT',
      headers: { authorization: basicAuth(rooms), 'content-type': 'text/calendar; charset=utf-8' },
      body: `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//roombook//tests//EN\r\n${events.join('')}END:VCALENDAR\r\n`,
    });
    expect(upload.ok).toBe(true);
    const listed = await client.listObjects();
    expect(listed).toHaveLength(260);
    const objects = await client.fetchObjectsAt(listed.map((v) => v.href));
    expect(objects.map((o) => o.href)).toEqual(listed.map((v) => v.href));
    expect(objects).toHaveLength(260);
    expect(new Set(objects.map((o) => o.href)).size).toBe(260);
    expect(objects.map((o) => /UID:(\S+)/.exec(o.data)?.[1]).sort()).toEqual(Array.from({ length: 260 }, (_, i) => `m${i}`).sort());
  });
});

describe('findByUid', () => {
  it('finds an object stored under another file name, matching the UID exactly', async () => {
    const { rooms, url, client } = await setup('uid');
    const uid = 'meeting-42@example.com';
    const window = { start: at('2030-06-03T10:00:00Z'), end: at('2030-06-03T11:00:00Z') };
    const href = await putObject(url, rooms, 'ABC-123.ics', icsEvent({ uid, ...window }));
    // A UID the server's substring text-match also hits.
    await putObject(url, rooms, 'other.ics', icsEvent({ uid: `${uid}.copy`, ...window }));

    const found = await client.findByUid(uid);
    expect(found).toMatchObject({ href, data: await getObject(href, rooms) });
    expect(found?.etag).toBe((await client.fetchObject(href))?.etag);

    expect(await client.findByUid('meeting-42')).toBeUndefined(); // a prefix of both, the UID of neither
    expect(await client.findByUid('MEETING-42@EXAMPLE.COM')).toBeUndefined(); // UIDs compare byte for byte
    expect(await client.findByUid('nobody')).toBeUndefined();
  });

  it('handles UIDs with XML-special characters', async () => {
    const { rooms, url, client } = await setup('uidxml');
    const uid = 'a&b<c>"d\'';
    const href = await putObject(url, rooms, 'x.ics', icsEvent({ uid, start: at('2030-06-03T10:00:00Z'), end: at('2030-06-03T11:00:00Z') }));
    expect((await client.findByUid(uid))?.href).toBe(href);
  });
});

describe('fetchObject', () => {
  it('returns fresh data and ETag, or undefined when the object is gone', async () => {
    const { rooms, url, client } = await setup('one');
    const href = await putObject(url, rooms, '{thunderbird}.ics', icsEvent({ uid: 'one', start: at('2030-06-03T10:00:00Z'), end: at('2030-06-03T11:00:00Z') }));
    const object = await client.fetchObject(href);
    expect(object).toEqual({ href, etag: expect.stringMatching(/^".+"$/), data: await getObject(href, rooms) });
    expect(await client.fetchObject(new URL('missing.ics', url).href)).toBeUndefined();
  });

  it('refuses hrefs on another server, which would receive our credentials', async () => {
    const { client } = await setup('origin');
    await expect(client.fetchObject('http://evil.example/rooms/x.ics')).rejects.toThrow(TypeError);
  });
});

describe('requests on the wire', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('sends only the requests each call needs: no discovery PROPFIND, the collection URL is known', async () => {
    const { rooms, url, client } = await setup('wire');
    await putObject(url, rooms, 'w.ics', icsEvent({ uid: 'w', start: at('2030-06-03T10:00:00Z'), end: at('2030-06-03T11:00:00Z') }));
    // Counts real requests to the real server; nothing is faked.
    const spy = vi.spyOn(globalThis, 'fetch');
    const sent = () => spy.mock.calls.map(([input, init]) => `${init?.method ?? 'GET'} ${String(input)}`);

    await client.fetchObjects();
    expect(sent()).toEqual([`REPORT ${url}`]);

    spy.mockClear();
    await client.listObjects();
    expect(sent()).toEqual([`REPORT ${url}`]);

    spy.mockClear();
    await client.fetchObjectsAt([]);
    expect(sent()).toEqual([]);

    spy.mockClear();
    await client.findByUid('w');
    expect(sent()).toEqual([`REPORT ${url}`]);

    spy.mockClear();
    const created = await client.createObject('c.ics', icsEvent({ uid: 'c', start: at('2030-06-03T12:00:00Z'), end: at('2030-06-03T13:00:00Z') }));
    expect(sent()).toEqual([`PUT ${created.href}`]); // Radicale sends the ETag on PUT: no re-fetch
  });
});
