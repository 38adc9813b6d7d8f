import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { basicAuth, putObject, runCalDavServerOptions, startCalDavServer, uniqueName, unissuedSyncToken, type CalDavServerKind, type CalDavTestServer, type CalDavUser } from '@roombook/testing';

import { createCalDavClient, type CalDavClient } from '../src/index.js';

function ics(uid: string, summary = uid): string {
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//roombook//sync test//EN', 'BEGIN:VEVENT',
    `UID:${uid}`, 'DTSTAMP:20200101T000000Z', 'DTSTART:20300306T090000Z', 'DTEND:20300306T100000Z', `SUMMARY:${summary}`,
    'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');
}

const byHref = (a: { href: string }, b: { href: string }) => a.href.localeCompare(b.href);

/**
 * Change detection (issue 12): a version marker read with one PROPFIND, and sync-collection naming
 * exactly what changed — nothing, from the current token, which is what the store's refresh relies
 * on to ask for changes without reading the marker first. Every server we test against offers a
 * sync token or a ctag.
 */
describe.each<CalDavServerKind>(['radicale', 'xandikos', 'sabredav'])('change detection on %s', (kind) => {
  let server: CalDavTestServer;
  let user: CalDavUser;
  let client: CalDavClient;
  let url: string;
  const href: Record<string, string> = {};

  beforeAll(async () => {
    server = await startCalDavServer(kind, runCalDavServerOptions(inject));
    user = server.users[0]!;
    url = await server.makeCalendar(user, uniqueName('sync'));
    client = createCalDavClient({ url, username: user.username, password: user.password });
    for (const name of ['a', 'b', 'c']) href[name] = await putObject(url, user, `${name}.ics`, ics(name));
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('reads a version marker that stays while nothing changes and moves on a change', async () => {
    const before = await client.collectionState();
    expect(before.syncToken ?? before.ctag).not.toBeNull();
    expect(await client.collectionState()).toEqual(before);
    await putObject(url, user, 'marker.ics', ics('marker'));
    const after = await client.collectionState();
    if (before.syncToken !== null) expect(after.syncToken).not.toBe(before.syncToken);
    if (before.ctag !== null) expect(after.ctag).not.toBe(before.ctag);
    const gone = await fetch(new URL('marker.ics', url), { method: 'DELETE', headers: { authorization: basicAuth(user) } });
    expect(gone.ok).toBe(true);
  });

  it('lists every member from an empty token, then exactly what changed since the token', async () => {
    const initial = await client.syncChanges('');
    if (initial === null) return expect((await client.collectionState()).syncToken).toBeNull();
    // Some servers also name members removed before (the marker above): none of them is listed.
    const listedNow = new Set((await client.listObjects()).map((v) => v.href));
    for (const gone of initial.removed) expect(listedNow.has(gone)).toBe(false);
    expect(initial.changed.sort(byHref)).toEqual((await client.listObjects()).sort(byHref));

    await putObject(url, user, 'b.ics', ics('b', 'b moved'));
    const removed = await fetch(href['c']!, { method: 'DELETE', headers: { authorization: basicAuth(user) } });
    expect(removed.ok).toBe(true);
    const added = await putObject(url, user, 'd.ics', ics('d'));

    const changes = (await client.syncChanges(initial.syncToken))!;
    expect(changes.syncToken).not.toBe(initial.syncToken);
    const listed = await client.listObjects();
    expect(changes.changed.sort(byHref)).toEqual(listed.filter((v) => v.href === href['b'] || v.href === added).sort(byHref));
    expect(changes.removed).toEqual([href['c']]);

    const quiet = (await client.syncChanges(changes.syncToken))!;
    expect(quiet.changed).toEqual([]);
    expect(quiet.removed).toEqual([]);
  });

  it('answers null to a token the server does not know, so the caller lists instead', async () => {
    const state = await client.collectionState();
    if (state.syncToken === null) return;
    expect(await client.syncChanges(unissuedSyncToken(state.syncToken))).toBeNull();
  });
});
