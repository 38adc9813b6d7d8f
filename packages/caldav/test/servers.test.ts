import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { basicAuth, getObject, putObject, runCalDavServerOptions, startCalDavServer, uniqueName, type CalDavServerKind, type CalDavTestServer, type CalDavUser } from '@roombook/testing';

import { createCalDavClient, type CalDavClient } from '../src/index.js';

/** A VEVENT in UTC with extra lines, as any client may PUT it. */
function ics(uid: string, start: string, end: string, extra: string[] = []): string {
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//roombook//servers test//EN', 'BEGIN:VEVENT',
    `UID:${uid}`, 'DTSTAMP:20200101T000000Z', `DTSTART:${start}`, `DTEND:${end}`, `SUMMARY:${uid}`, ...extra,
    'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');
}

/**
 * What a clear fetches must not depend on how a server evaluates recurrences: a time-range query on
 * Xandikos 0.2.8 drops a series that started before the range, on SabreDAV 1.8 an RDATE inside it.
 * The same calendar on every server must give the same objects, those two included.
 */
describe.each<CalDavServerKind>(['radicale', 'xandikos', 'sabredav', 'davical'])('listing and fetching a calendar on %s', (kind) => {
  let server: CalDavTestServer;
  let user: CalDavUser;
  let client: CalDavClient;
  const href: Record<string, string> = {};

  beforeAll(async () => {
    server = await startCalDavServer(kind, runCalDavServerOptions(inject));
    user = server.users[0]!;
    const url = await server.makeCalendar(user, uniqueName('fetch'));
    client = createCalDavClient({ url, username: user.username, password: user.password });
    const put = async (name: string, text: string) => (href[name] = await putObject(url, user, `${name}.ics`, text));
    // Monday 2020-01-06 weekly, open-ended: occurs on Monday 2030-03-04, ten years after it started.
    await put('old-weekly', ics('old-weekly', '20200106T090000Z', '20200106T100000Z', ['RRULE:FREQ=WEEKLY']));
    // Started long ago, with one extra date in 2030.
    await put('rdate', ics('rdate', '20200106T090000Z', '20200106T100000Z', ['RDATE:20300305T090000Z']));
    await put('single', ics('single', '20300306T090000Z', '20300306T100000Z'));
    await put('past', ics('past', '20200304T090000Z', '20200304T100000Z'));
    await put('later', ics('later', '20300312T090000Z', '20300312T100000Z'));
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('lists every event object, each once, with the ETag a fetch gives', async () => {
    const listed = await client.listObjects();
    expect(listed.map((v) => v.href).sort()).toEqual(Object.values(href).sort());
    for (const version of listed) expect(version.etag).toBe((await client.fetchObject(version.href))?.etag);
  });

  it('fetches them all with the stored text, a series that started ten years ago and an RDATE included', async () => {
    const objects = await client.fetchObjects();
    expect(objects.map((o) => o.href).sort()).toEqual(Object.values(href).sort());
    for (const [name, url] of Object.entries(href)) {
      const object = objects.find((o) => o.href === url)!;
      const stored = (await getObject(url, user))!;
      // SabreDAV 1.8 puts calendar-data into its XML answers without escaping CR, so XML's end-of-line
      // normalization (XML 1.0 §2.11) turns each CRLF into LF on the way: same content, other line ends.
      expect(object.data, name).toBe(kind === 'sabredav' ? stored.replace(/\r\n/g, '\n') : stored);
      expect(object.etag, name).toBe((await client.fetchObject(url))?.etag);
    }
  });

  it('fetches chosen hrefs in the order asked, leaving out those that are gone', async () => {
    const gone = new URL('gone.ics', href['single']).href;
    const objects = await client.fetchObjectsAt([href['single']!, gone, href['old-weekly']!]);
    expect(objects.map((o) => o.href)).toEqual([href['single'], href['old-weekly']]);
  });

  it('says a calendar that is gone is gone, rather than empty', async () => {
    const response = await fetch(new URL('.', href['single']!), { method: 'DELETE', headers: { authorization: basicAuth(user) } });
    expect(response.ok).toBe(true);
    await expect(client.listObjects()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // SabreDAV answers a multiget naming a missing href with a 404 for the whole REPORT; the client then
    // checks the collection, and must not take "all gone" for "no objects".
    if (kind === 'sabredav') await expect(client.fetchObjectsAt([href['single']!])).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
