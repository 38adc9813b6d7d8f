import { describe, expect, it } from 'vitest';

import { basicAuth, getObject, putObject, startSabreDav, startXandikos } from '../src/index.js';

const ics =
  'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:h1\r\nDTSTAMP:20260101T000000Z\r\n' +
  'DTSTART:20260101T100000Z\r\nDTEND:20260101T110000Z\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';

async function refused(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
    () => false,
    () => true,
  );
}

describe('test harness SabreDAV', () => {
  it('serves calendars with Basic auth, and stops without leaving the server running', async () => {
    const server = await startSabreDav();
    try {
      const [rooms, alice] = server.users;
      const url = await server.makeCalendar(rooms!, 'harness');
      expect(url).toBe(new URL('calendars/rooms/harness/', server.url).href);
      const objectUrl = await putObject(url, rooms!, 'h1.ics', ics);
      expect(await getObject(objectUrl, rooms!)).toBe(ics);
      expect((await fetch(objectUrl, { headers: { authorization: basicAuth({ username: 'rooms', password: 'wrong' }) } })).status).toBe(401);
      expect((await fetch(objectUrl)).status).toBe(401);
      // Another user may not read rooms' calendar.
      expect((await fetch(objectUrl, { headers: { authorization: basicAuth(alice!) } })).status).toBe(403);
    } finally {
      await server.stop();
    }
    expect(await refused(server.url)).toBe(true);
  });
});

describe('test harness Xandikos', () => {
  it('serves calendars without any authentication (what the README table says), and stops', async () => {
    const server = await startXandikos();
    try {
      const [rooms] = server.users;
      const url = await server.makeCalendar(rooms!, 'harness');
      const objectUrl = await putObject(url, rooms!, 'h1.ics', ics);
      // Xandikos stores what it re-serialized: the same properties, in an order of its own.
      const stored = (await getObject(objectUrl, rooms!))!;
      expect(stored.split('\r\n').sort()).toEqual(ics.split('\r\n').sort());
      // A wrong password, and no credentials at all, get in just the same.
      expect((await fetch(objectUrl, { headers: { authorization: basicAuth({ username: 'rooms', password: 'wrong' }) } })).status).toBe(200);
      expect((await fetch(objectUrl)).status).toBe(200);
    } finally {
      await server.stop();
    }
    expect(await refused(server.url)).toBe(true);
  });
});
