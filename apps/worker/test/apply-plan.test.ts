import { planClearing } from '@roombook/booking';
import { createCalDavClient } from '@roombook/caldav';
import { createAuditLogRepository, createCalendarsRepository, createDatabase, createSecretBox } from '@roombook/db';
import { getObject, icsEvent, makeCalendar, putObject, uniqueName } from '@roombook/testing';
import { afterAll, describe, expect, inject, it } from 'vitest';

import { applyPlan } from '../src/clearing/apply.js';
import { expandCalendar, expandOne, type ExpandSettings } from '../src/clearing/occurrences.js';

/**
 * The 412 path of applying a plan, against real Radicale: someone changes a losing object between
 * our read and our write. The write must not go through blindly; the object is re-read and
 * re-planned, and what happens depends on the new version.
 */
describe('applying a plan when an object changed meanwhile (real Radicale)', () => {
  const [rooms] = inject('radicaleUsers');
  const database = createDatabase(inject('databaseUrl'), { max: 2 });
  const audit = createAuditLogRepository(database.db);
  afterAll(() => database.close());

  const start = new Date(Date.now() + 3 * 86_400_000);
  start.setUTCHours(9, 0, 0, 0);
  const hours = (n: number) => new Date(start.getTime() + n * 3_600_000);

  async function setUp() {
    const url = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('apply'));
    const calendar = await createCalendarsRepository(database.db, createSecretBox('test-secret-key-0123456789')).create({
      slug: uniqueName('apply'), url, username: rooms!.username, password: rooms!.password,
    });
    // same DTSTAMP, no CREATED: the UID decides, so "a-winner" keeps the room
    await putObject(url, rooms!, 'winner.ics', icsEvent({ uid: 'a-winner', start, end: hours(2), summary: 'Winner' }));
    const loserUrl = await putObject(url, rooms!, 'loser.ics', icsEvent({ uid: 'b-loser', start: hours(1), end: hours(3), summary: 'Loser' }));
    const client = createCalDavClient({ url, username: rooms!.username, password: rooms!.password });
    const settings: ExpandSettings = { from: new Date(), to: new Date(Date.now() + 30 * 86_400_000), timeZone: 'UTC', roomAddresses: [], isPriorityMarkValid: () => false };
    const objects = await client.fetchObjects();
    const { occurrences } = expandCalendar(objects, settings);
    const now = new Date();
    const plan = planClearing({ occurrences, priorityTokens: [], now });
    expect(plan.losers.map((l) => l.occurrence.uid)).toEqual(['b-loser']);
    const apply = () =>
      applyPlan({
        plan, objects: new Map(objects.map((o) => [o.href, o])), occurrences, priorityTokens: [], now, client, audit,
        record: { calendarId: calendar.id, jobId: uniqueName('job'), userId: null },
        timeZone: 'UTC', roomAddress: null, expand: (o) => expandOne(o, settings), onApplied: async () => {},
      }).then((result) => result.outcomes);
    return { url, loserUrl, calendar, apply };
  }

  it('skips the deletion when the new version no longer overlaps, and leaves it untouched', async () => {
    const { loserUrl, calendar, apply } = await setUp();
    const moved = icsEvent({ uid: 'b-loser', start: hours(5), end: hours(6), summary: 'Loser moved' });
    await putObject(loserUrl.replace(/[^/]+$/, ''), rooms!, 'loser.ics', moved);
    const outcomes = await apply();
    expect([...outcomes.values()]).toEqual([{ status: 'skipped', error: 'no longer needed after the object changed' }]);
    expect(await getObject(loserUrl, rooms!)).toContain('SUMMARY:Loser moved');
    expect(await audit.list({ calendarId: calendar.id })).toEqual([]);
  });

  it('deletes the new version when it still loses, recording that version in the audit log', async () => {
    const { loserUrl, calendar, apply } = await setUp();
    const renamed = icsEvent({ uid: 'b-loser', start: hours(1), end: hours(3), summary: 'Loser renamed' });
    await putObject(loserUrl.replace(/[^/]+$/, ''), rooms!, 'loser.ics', renamed);
    const outcomes = await apply();
    expect([...outcomes.values()]).toEqual([{ status: 'applied' }]);
    expect(await getObject(loserUrl, rooms!)).toBeUndefined();
    const [entry] = await audit.list({ calendarId: calendar.id });
    expect(entry).toMatchObject({ uid: 'b-loser', action: 'deleted' });
    expect((await audit.require(entry!.id)).previousIcal).toContain('SUMMARY:Loser renamed');
  });

  it('reports the object as removed when someone deleted it first', async () => {
    const { loserUrl, apply } = await setUp();
    await fetch(loserUrl, { method: 'DELETE', headers: { authorization: 'Basic ' + Buffer.from(`${rooms!.username}:${rooms!.password}`).toString('base64') } });
    const outcomes = await apply();
    expect([...outcomes.values()]).toEqual([{ status: 'skipped', error: 'the object was removed meanwhile' }]);
  });
});
