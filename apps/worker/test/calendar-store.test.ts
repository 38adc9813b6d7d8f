import { CalDavError, createCalDavClient, type CalDavClient } from '@roombook/caldav';
import { createCalendarStoreRepository, createCalendarsRepository, createDatabase, createSecretBox, schema } from '@roombook/db';
import {
  basicAuth,
  closedPortUrl,
  makeCalendar,
  putObject,
  runCalDavServerOptions,
  startCalDavServer,
  uniqueName,
  unissuedSyncToken,
  type CalDavServerKind,
  type CalDavTestServer,
} from '@roombook/testing';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { refreshStore } from '../src/store/refresh.js';
import { storedCalendar } from '../src/store/stored-plan-input.js';

const utc = (date: Date) => `${date.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
const ROOM = 'room-1@example.org';

function vevent(p: { uid: string; start: Date; end: Date; extra?: string[] }): string {
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//roombook//store test//EN', 'BEGIN:VEVENT', `UID:${p.uid}`,
    'DTSTAMP:20260101T080000Z', 'CREATED:20260101T080000Z', `DTSTART:${utc(p.start)}`, `DTEND:${utc(p.end)}`,
    `SUMMARY:${p.uid}`, ...(p.extra ?? []), 'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');
}

/**
 * The calendar store against real Radicale and PostgreSQL (issues 9 and 12): what a refresh asks the
 * server, what it fetches and parses, and which busy intervals it keeps.
 */
describe('calendar store refresh (real Radicale + PostgreSQL)', () => {
  const [rooms] = inject('radicaleUsers');
  const database = createDatabase(inject('databaseUrl'), { max: 2 });
  const store = createCalendarStoreRepository(database.db);
  const calendars = createCalendarsRepository(database.db, createSecretBox('test-secret-key-0123456789'));
  afterAll(() => database.close());

  const base = new Date(Date.now() + 3 * 86_400_000);
  base.setUTCHours(9, 0, 0, 0);
  const at = (hours: number) => new Date(base.getTime() + hours * 3_600_000);

  async function room() {
    const url = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('store'));
    const row = await calendars.create({ slug: uniqueName('store'), url, username: rooms!.username, password: rooms!.password, roomEmail: ROOM });
    const requests: string[] = [];
    const client = createCalDavClient({ url, username: rooms!.username, password: rooms!.password, onRequest: (method) => requests.push(method) });
    const calendar = { id: row.id, timeZone: 'Europe/Berlin', horizonDays: 30, roomEmail: ROOM };
    const refresh = (now = new Date(), zone = calendar.timeZone) => refreshStore({ calendar: { ...calendar, timeZone: zone }, client, store, now });
    const busy = async () =>
      (await database.db.select().from(schema.busyIntervals).where(eq(schema.busyIntervals.calendarId, row.id)).orderBy(asc(schema.busyIntervals.start)))
        .map((b) => [b.href.split('/').pop(), b.start.toISOString(), b.end.toISOString()]);
    return { url, id: row.id, client, requests, refresh, busy };
  }

  it('keeps busy intervals under the clearing rules: cancelled, declined and transparent are free, touching events both busy', async () => {
    const r = await room();
    await putObject(r.url, rooms!, 'a.ics', vevent({ uid: 'a', start: at(0), end: at(1) }));
    await putObject(r.url, rooms!, 'b.ics', vevent({ uid: 'b', start: at(1), end: at(2) })); // touches a
    await putObject(r.url, rooms!, 'cancelled.ics', vevent({ uid: 'cancelled', start: at(3), end: at(4), extra: ['STATUS:CANCELLED'] }));
    await putObject(r.url, rooms!, 'declined.ics', vevent({ uid: 'declined', start: at(5), end: at(6), extra: [`ATTENDEE;PARTSTAT=DECLINED:mailto:${ROOM}`] }));
    await putObject(r.url, rooms!, 'free.ics', vevent({ uid: 'free', start: at(7), end: at(8), extra: ['TRANSP:TRANSPARENT'] }));
    await putObject(r.url, rooms!, 'series.ics', vevent({ uid: 'series', start: at(24), end: at(25), extra: ['RRULE:FREQ=DAILY;COUNT=3', 'EXDATE:' + utc(at(48))] }));
    // A zone name nobody knows and no VTIMEZONE: never guessed, reported as the clear reports it.
    const local = (d: Date) => utc(d).slice(0, -1);
    await putObject(r.url, rooms!, 'broken.ics', vevent({ uid: 'broken', start: at(9), end: at(10) }).replace(/DTSTART:(\S+)/, `DTSTART;TZID=Office Time:${local(at(9))}`).replace(/DTEND:(\S+)/, `DTEND;TZID=Office Time:${local(at(10))}`));

    const first = await r.refresh();
    expect(first).toMatchObject({ method: 'full', unchanged: false, fetched: 7, removed: 0, objects: 7, expanded: 7 });
    expect(await r.busy()).toEqual([
      ['a.ics', at(0).toISOString(), at(1).toISOString()],
      ['b.ics', at(1).toISOString(), at(2).toISOString()],
      ['series.ics', at(24).toISOString(), at(25).toISOString()],
      ['series.ics', at(72).toISOString(), at(73).toISOString()],
    ]);
    const state = (await store.state(r.id))!;
    expect(state.refreshedAt?.toISOString()).toBe(first.refreshed_at);
    expect(state.syncToken).not.toBeNull();
    expect(state.error).toBeNull();
    // The planner's view: every occurrence of the window, the unreadable object reported as the clear does.
    const planned = await storedCalendar(store, r.id, first.window, () => false);
    expect(planned.occurrences.map((o) => o.uid).sort()).toEqual(['a', 'b', 'cancelled', 'declined', 'free', 'series', 'series']);
    expect(planned.unreadable).toEqual([{ href: expect.stringMatching(/broken\.ics$/), error: expect.any(String) }]);
  });

  it('an unchanged calendar costs one REPORT and parses nothing; a change fetches and parses only what changed', async () => {
    const r = await room();
    for (const name of ['a', 'b', 'c', 'd']) await putObject(r.url, rooms!, `${name}.ics`, vevent({ uid: name, start: at(0), end: at(1) }));
    await r.refresh();
    const digest = await store.fingerprint(r.id);

    r.requests.length = 0;
    const later = new Date(Date.now() + 60_000);
    const quiet = await r.refresh(later);
    expect(quiet).toMatchObject({ method: 'sync-token', unchanged: true, fetched: 0, removed: 0, objects: 4, expanded: 0 });
    expect(r.requests).toEqual(['REPORT']); // sync-collection from the stored token, answered empty
    // The sync state alone is written (one prepared statement): this refresh's time and window. No
    // PROPFIND, so no ctag: a stale one could match again (Radicale's comes back when a change is undone).
    expect(await store.state(r.id)).toMatchObject({ refreshedAt: later, from: quiet.window.from, to: quiet.window.to, ctag: null, error: null });
    // What a reused dry-run report rests on: an unchanged store digests the same, a changed one not.
    expect(await store.fingerprint(r.id)).toBe(digest);

    await putObject(r.url, rooms!, 'b.ics', vevent({ uid: 'b', start: at(4), end: at(5) }));
    const gone = await fetch(new URL('c.ics', r.url), { method: 'DELETE', headers: { authorization: basicAuth(rooms!) } });
    expect(gone.ok).toBe(true);
    await putObject(r.url, rooms!, 'e.ics', vevent({ uid: 'e', start: at(6), end: at(7) }));
    r.requests.length = 0;
    const changed = await r.refresh();
    expect(changed).toMatchObject({ method: 'sync-collection', unchanged: false, fetched: 2, removed: 1, objects: 4, expanded: 2 });
    expect(r.requests).toEqual(['REPORT', 'REPORT']); // the changes since the stored token, one multiget
    expect(await store.fingerprint(r.id)).not.toBe(digest);
    expect((await r.busy()).map(([href, start]) => [href, start])).toEqual([
      ['a.ics', at(0).toISOString()],
      ['d.ics', at(0).toISOString()],
      ['b.ics', at(4).toISOString()],
      ['e.ics', at(6).toISOString()],
    ]);
  });

  it('a token the server refuses falls back to an ETag listing and still fetches only what changed', async () => {
    const r = await room();
    for (const name of ['a', 'b']) await putObject(r.url, rooms!, `${name}.ics`, vevent({ uid: name, start: at(0), end: at(1) }));
    await r.refresh();
    await database.db.update(schema.calendars).set({ mirrorSyncToken: 'http://radicale.org/ns/sync/forged' }).where(eq(schema.calendars.id, r.id));
    await putObject(r.url, rooms!, 'b.ics', vevent({ uid: 'b', start: at(2), end: at(3) }));
    r.requests.length = 0;
    const result = await r.refresh();
    expect(result).toMatchObject({ method: 'etags', fetched: 1, removed: 0, objects: 2, expanded: 1 });
    // the refused sync, then the token and ctag, the listing and one multiget: the token is not tried twice
    expect(r.requests).toEqual(['REPORT', 'PROPFIND', 'REPORT', 'REPORT']);
    const state = (await store.state(r.id))!;
    expect(state.syncToken).not.toBe('http://radicale.org/ns/sync/forged');
    expect(state.ctag).not.toBeNull();
  });

  it('with listEveryMs, lists the calendar again once its last listing is that old, and syncs in between', async () => {
    const r = await room();
    await putObject(r.url, rooms!, 'a.ics', vevent({ uid: 'a', start: at(0), end: at(1) }));
    const t0 = new Date();
    const hour = 3_600_000;
    const scheduled = (now: Date) => refreshStore({ calendar: { id: r.id, timeZone: 'Europe/Berlin', horizonDays: 30, roomEmail: ROOM }, client: r.client, store, now, listEveryMs: hour });
    expect(await scheduled(t0)).toMatchObject({ method: 'full' });
    expect((await store.state(r.id))!.listedAt).toEqual(t0);

    r.requests.length = 0;
    expect(await scheduled(new Date(t0.getTime() + hour - 1))).toMatchObject({ method: 'sync-token', unchanged: true });
    expect(r.requests).toEqual(['REPORT']);
    expect((await store.state(r.id))!.listedAt).toEqual(t0);

    r.requests.length = 0;
    const later = new Date(t0.getTime() + hour);
    expect(await scheduled(later)).toMatchObject({ method: 'etags', unchanged: true, fetched: 0, objects: 1 });
    expect(r.requests).toEqual(['PROPFIND', 'REPORT']); // the token and ctag, then the ETag listing
    expect((await store.state(r.id))!).toMatchObject({ listedAt: later, refreshedAt: later });
  });

  it('re-expands from the stored text, without fetching, when the window has moved past the expansion or the zone changed', async () => {
    const r = await room();
    for (const name of ['a', 'b', 'c']) await putObject(r.url, rooms!, `${name}.ics`, vevent({ uid: name, start: at(0), end: at(1), extra: ['RRULE:FREQ=WEEKLY'] }));
    await r.refresh();
    const digest = await store.fingerprint(r.id);
    r.requests.length = 0;
    const nextWeek = new Date(Date.now() + 9 * 86_400_000);
    const moved = await r.refresh(nextWeek);
    expect(moved).toMatchObject({ fetched: 0, unchanged: true, expanded: 3 });
    expect(await store.fingerprint(r.id)).not.toBe(digest); // re-expanded: same ETags, other occurrences
    expect(r.requests).toEqual(['REPORT']);
    const planned = await storedCalendar(store, r.id, moved.window, () => false);
    expect(Math.min(...planned.occurrences.map((o) => o.start.getTime()))).toBeGreaterThanOrEqual(moved.window.from.getTime());
    expect(planned.occurrences).toHaveLength(3 * 5); // weekly over a 30-day window, at most 5 per series
    expect(await r.refresh(nextWeek)).toMatchObject({ expanded: 0 });
    expect(await r.refresh(nextWeek, 'America/New_York')).toMatchObject({ expanded: 3, fetched: 0 });
  });

  it('writes a chunk at a time; a refresh that stops half-way keeps the old token, and the next one fetches only what is missing', async () => {
    const r = await room();
    for (const name of ['a', 'b', 'c', 'd', 'e']) await putObject(r.url, rooms!, `${name}.ics`, vevent({ uid: name, start: at(0), end: at(1) }));
    const calendar = { id: r.id, timeZone: 'Europe/Berlin', horizonDays: 30, roomEmail: ROOM };
    // The real server, losing the connection on the second multiget.
    let multigets = 0;
    const failing: CalDavClient = Object.assign(Object.create(r.client) as CalDavClient, {
      fetchObjectsAt: (hrefs: readonly string[]) =>
        ++multigets === 2
          ? Promise.reject(new CalDavError('connection reset', { status: null, retryable: true, code: 'NETWORK', url: r.url }))
          : r.client.fetchObjectsAt(hrefs),
    });
    await expect(refreshStore({ calendar, client: failing, store, now: new Date(), chunk: 2 })).rejects.toMatchObject({ code: 'NETWORK' });
    expect((await store.state(r.id))!).toMatchObject({ refreshedAt: null, syncToken: null });
    expect(await r.busy()).toHaveLength(2); // the first chunk, whole

    r.requests.length = 0;
    const resumed = await refreshStore({ calendar, client: r.client, store, now: new Date(), chunk: 2 });
    expect(resumed).toMatchObject({ method: 'full', fetched: 3, removed: 0, objects: 5, expanded: 3 });
    expect(r.requests).toEqual(['PROPFIND', 'REPORT', 'REPORT', 'REPORT']); // state, listing, two multigets of 2 + 1
    expect(await r.busy()).toHaveLength(5);
    expect((await store.state(r.id))!.syncToken).not.toBeNull();
  });

  it('a server that fails leaves the last good data and records the error and since when', async () => {
    const r = await room();
    await putObject(r.url, rooms!, 'a.ics', vevent({ uid: 'a', start: at(0), end: at(1) }));
    const good = await r.refresh();
    const down = createCalDavClient({ url: `${await closedPortUrl()}/rooms/gone/`, username: 'x', password: 'y', timeoutMs: 2000 });
    const failedAt = new Date();
    await expect(
      refreshStore({ calendar: { id: r.id, timeZone: 'Europe/Berlin', horizonDays: 30, roomEmail: ROOM }, client: down, store, now: failedAt }),
    ).rejects.toMatchObject({ code: 'NETWORK' });
    const state = (await store.state(r.id))!;
    expect(state.refreshedAt?.toISOString()).toBe(good.refreshed_at);
    expect(state.error).toMatch(/could not be reached/);
    expect(state.failedAt?.toISOString()).toBe(failedAt.toISOString());
    expect(await r.busy()).toHaveLength(1);
    // The next good refresh clears the error.
    await r.refresh();
    expect((await store.state(r.id))!.error).toBeNull();
  });
});

/**
 * The same refresh on the other servers we test against: what the store keeps must not depend on
 * how a server spells its sync tokens, hrefs and ETags, nor on how it refuses a token it does not
 * know (the `reject` path's conflict check reads this store before every booking).
 */
describe.each<CalDavServerKind>(['radicale', 'xandikos', 'sabredav', 'davical'])('calendar store refresh on %s', (kind) => {
  const database = createDatabase(inject('databaseUrl'), { max: 2 });
  const store = createCalendarStoreRepository(database.db);
  const calendars = createCalendarsRepository(database.db, createSecretBox('test-secret-key-0123456789'));
  let server: CalDavTestServer;
  beforeAll(async () => {
    server = await startCalDavServer(kind, runCalDavServerOptions(inject));
  });
  afterAll(async () => {
    await server?.stop();
    await database.close();
  });

  const base = new Date(Date.now() + 3 * 86_400_000);
  base.setUTCHours(9, 0, 0, 0);
  const at = (hours: number) => new Date(base.getTime() + hours * 3_600_000);

  it('stores what the server holds, then follows an update, a removal and an addition with only what changed', async () => {
    const user = server.users[0]!;
    const url = await server.makeCalendar(user, uniqueName('store'));
    const row = await calendars.create({ slug: uniqueName('store'), url, username: user.username, password: user.password, roomEmail: ROOM });
    const requests: string[] = [];
    const client = createCalDavClient({ url, username: user.username, password: user.password, onRequest: (method) => requests.push(method) });
    const calendar = { id: row.id, timeZone: 'Europe/Berlin', horizonDays: 30, roomEmail: ROOM };
    const refresh = () => refreshStore({ calendar, client, store, now: new Date() });
    const busy = async () =>
      (await database.db.select().from(schema.busyIntervals).where(eq(schema.busyIntervals.calendarId, row.id)).orderBy(asc(schema.busyIntervals.start)))
        .map((b) => [decodeURIComponent(b.href.split('/').pop()!), b.start.toISOString()]);
    const href: Record<string, string> = {};
    for (const name of ['a', 'b', 'c']) href[name] = await putObject(url, user, `${name}.ics`, vevent({ uid: name, start: at(0), end: at(1) }));

    expect(await refresh()).toMatchObject({ method: 'full', fetched: 3, removed: 0, objects: 3 });
    const first = (await store.state(row.id))!;
    expect(first.syncToken ?? first.ctag).not.toBeNull();

    requests.length = 0;
    expect(await refresh()).toMatchObject({ unchanged: true, fetched: 0, removed: 0, objects: 3, expanded: 0 });
    // With a sync token: one sync-collection REPORT, answered empty. With a ctag only: one PROPFIND.
    expect(requests).toEqual([first.syncToken ? 'REPORT' : 'PROPFIND']);

    await putObject(url, user, 'b.ics', vevent({ uid: 'b', start: at(4), end: at(5) }));
    const gone = await fetch(href['c']!, { method: 'DELETE', headers: { authorization: basicAuth(user) } });
    expect(gone.ok).toBe(true);
    await putObject(url, user, 'd.ics', vevent({ uid: 'd', start: at(6), end: at(7) }));
    expect(await refresh()).toMatchObject({ unchanged: false, fetched: 2, removed: 1, objects: 3, expanded: 2 });
    expect(await busy()).toEqual([
      ['a.ics', at(0).toISOString()],
      ['b.ics', at(4).toISOString()],
      ['d.ics', at(6).toISOString()],
    ]);
  });

  it('a token the server does not know: the refresh keeps what the server holds, and a listing (a clear that deletes) drops what it no longer holds', async () => {
    const user = server.users[0]!;
    const url = await server.makeCalendar(user, uniqueName('store'));
    const row = await calendars.create({ slug: uniqueName('store'), url, username: user.username, password: user.password, roomEmail: ROOM });
    const client = createCalDavClient({ url, username: user.username, password: user.password });
    const calendar = { id: row.id, timeZone: 'Europe/Berlin', horizonDays: 30, roomEmail: ROOM };
    const refresh = (listAll = false) => refreshStore({ calendar, client, store, now: new Date(), ...(listAll && { listEveryMs: 0 }) });
    const href: Record<string, string> = {};
    for (const name of ['a', 'b']) href[name] = await putObject(url, user, `${name}.ics`, vevent({ uid: name, start: at(0), end: at(1) }));
    await refresh();
    const token = (await store.state(row.id))!.syncToken;
    if (kind === 'sabredav') {
      // Debian's SabreDAV (1.8) has no sync-collection: every refresh reads the ctag and lists.
      expect(token).toBeNull();
    } else {
      expect(token).not.toBeNull();
      await database.db.update(schema.calendars).set({ mirrorSyncToken: unissuedSyncToken(token!) }).where(eq(schema.calendars.id, row.id));
    }
    const gone = await fetch(href['a']!, { method: 'DELETE', headers: { authorization: basicAuth(user) } });
    expect(gone.ok).toBe(true);
    await putObject(url, user, 'b.ics', vevent({ uid: 'b', start: at(2), end: at(3) }));
    await putObject(url, user, 'c.ics', vevent({ uid: 'c', start: at(4), end: at(5) }));

    const synced = await refresh();
    if (kind === 'davical') {
      // DAViCal answers the unknown token with every member and no removals: a.ics stays behind.
      expect(synced).toMatchObject({ method: 'sync-collection', fetched: 2, removed: 0, objects: 3 });
    } else {
      // RFC 6578: refused, so the refresh lists instead (SabreDAV: lists anyway).
      expect(synced).toMatchObject({ method: 'etags', fetched: 2, removed: 1, objects: 2 });
    }
    expect(await refresh(true)).toMatchObject({ method: 'etags', fetched: 0, removed: kind === 'davical' ? 1 : 0, objects: 2 });
    const busy = await database.db.select().from(schema.busyIntervals).where(eq(schema.busyIntervals.calendarId, row.id)).orderBy(asc(schema.busyIntervals.start));
    expect(busy.map((b) => [decodeURIComponent(b.href.split('/').pop()!), b.start.toISOString()])).toEqual([
      ['b.ics', at(2).toISOString()],
      ['c.ics', at(4).toISOString()],
    ]);
    expect((await store.state(row.id))!).toMatchObject({ error: null });
  });
});
