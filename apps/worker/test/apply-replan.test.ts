import { planClearing } from '@roombook/booking';
import { createCalDavClient, type CalendarObject } from '@roombook/caldav';
import { createAuditLogRepository, createCalendarsRepository, createDatabase, createSecretBox } from '@roombook/db';
import { getObject, makeCalendar, putObject, uniqueName } from '@roombook/testing';
import { afterAll, describe, expect, inject, it } from 'vitest';

import { applyPlan } from '../src/clearing/apply.js';
import { expandCalendar, expandOne, type ExpandSettings } from '../src/clearing/occurrences.js';

const utc = (date: Date) => `${date.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;

function vevent(p: { uid: string; start: Date; end: Date; created: string; summary?: string; rrule?: string }): string {
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//roombook//tests//EN', 'BEGIN:VEVENT', `UID:${p.uid}`,
    `CREATED:${p.created}`, `DTSTAMP:${p.created}`, `DTSTART:${utc(p.start)}`, `DTEND:${utc(p.end)}`,
    `SUMMARY:${p.summary ?? p.uid}`, ...(p.rrule ? [`RRULE:${p.rrule}`] : []), 'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');
}

/**
 * Issue 7 points 2 and 5, against real Radicale: a write carries the ETag of exactly the text it
 * was planned on, and when the object that changed was a winner, its losers are re-checked.
 */
describe('applying a plan: planned text, fresh ETags and changed winners (real Radicale)', () => {
  const [rooms] = inject('radicaleUsers');
  const database = createDatabase(inject('databaseUrl'), { max: 2 });
  const audit = createAuditLogRepository(database.db);
  afterAll(() => database.close());

  const base = new Date(Date.now() + 3 * 86_400_000);
  base.setUTCHours(9, 0, 0, 0);
  const at = (hours: number) => new Date(base.getTime() + hours * 3_600_000);
  const settings: ExpandSettings = { from: new Date(), to: new Date(Date.now() + 60 * 86_400_000), timeZone: 'UTC', roomAddresses: [], isPriorityMarkValid: () => false };

  async function room() {
    const url = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('replan'));
    const calendar = await createCalendarsRepository(database.db, createSecretBox('test-secret-key-0123456789')).create({
      slug: uniqueName('replan'), url, username: rooms!.username, password: rooms!.password,
    });
    const client = createCalDavClient({ url, username: rooms!.username, password: rooms!.password });
    return { url, calendar, client };
  }

  async function plan(client: ReturnType<typeof createCalDavClient>, tamper: (objects: CalendarObject[]) => CalendarObject[] = (o) => o) {
    const objects = tamper(await client.fetchObjects({ start: settings.from, end: settings.to }));
    const { occurrences } = expandCalendar(objects, settings);
    const now = new Date();
    return { objects, occurrences, now, plan: planClearing({ occurrences, priorityTokens: [], now }) };
  }

  const apply = (p: Awaited<ReturnType<typeof plan>>, client: ReturnType<typeof createCalDavClient>, calendarId: number) =>
    applyPlan({
      plan: p.plan, objects: new Map(p.objects.map((o) => [o.href, o])), occurrences: p.occurrences, priorityTokens: [], now: p.now, client, audit,
      record: { calendarId, jobId: uniqueName('job'), userId: null }, timeZone: 'UTC', roomAddress: null,
      expand: (o) => expandOne(o, settings), onApplied: async () => {},
    });

  it('an object read without an ETag is re-read; changed since, it is re-planned on the fresh text, never deleted under a fresh ETag with the old text', async () => {
    const { url, calendar, client } = await room();
    await putObject(url, rooms!, 'winner.ics', vevent({ uid: 'winner', start: at(0), end: at(2), created: '20260101T080000Z' }));
    const loserHref = await putObject(url, rooms!, 'loser.ics', vevent({ uid: 'loser', start: at(1), end: at(3), created: '20260301T080000Z', summary: 'Before' }));
    // A server that answered the calendar-query without getetag for the loser.
    const planned = await plan(client, (objects) => objects.map((o) => (o.href === loserHref ? { ...o, etag: null } : o)));
    expect(planned.plan.losers.map((l) => l.occurrence.uid)).toEqual(['loser']);
    // Someone edits the loser (still clashing) before we write.
    await putObject(url, rooms!, 'loser.ics', vevent({ uid: 'loser', start: at(1), end: at(3), created: '20260301T080000Z', summary: 'After' }));
    const fresh = (await getObject(loserHref, rooms!))!;

    const result = await apply(planned, client, calendar.id);
    expect([...result.outcomes.values()]).toEqual([{ status: 'applied' }]);
    expect(await getObject(loserHref, rooms!)).toBeUndefined();
    const [entry] = await audit.list({ calendarId: calendar.id });
    const recorded = await audit.require(entry!.id);
    // The audit copy is the text that was deleted, not the one read before the edit.
    expect(recorded.previousIcal).toBe(fresh);
    expect(recorded.previousIcal).toContain('SUMMARY:After');
    expect(recorded.state).toBe('applied');
  });

  it('after a 412 on a winner, its losers are re-checked: a loser the changed winner no longer overlaps stays', async () => {
    const { url, calendar, client } = await room();
    // "early" beats the series' first occurrence; the series' second occurrence beats "late".
    await putObject(url, rooms!, 'early.ics', vevent({ uid: 'early', start: at(0), end: at(1), created: '20260101T080000Z' }));
    const seriesHref = await putObject(url, rooms!, 'series.ics', vevent({ uid: 'series', start: at(0.5), end: at(1.5), created: '20260201T080000Z', rrule: 'FREQ=DAILY;COUNT=2' }));
    const lateHref = await putObject(url, rooms!, 'late.ics', vevent({ uid: 'late', start: at(24.5), end: at(25.5), created: '20260301T080000Z' }));
    const planned = await plan(client);
    expect(planned.plan.losers.map((l) => `${l.occurrence.uid}:${l.action}`)).toEqual(['series:cancel', 'late:delete']);
    expect(planned.plan.losers[1]!.overlapsWith.map((w) => w.uid)).toEqual(['series']);

    // Before the clear writes, the organizer shortens the series to one occurrence: the winner
    // of "late" is gone, so "late" keeps the room now.
    await putObject(url, rooms!, 'series.ics', vevent({ uid: 'series', start: at(0.5), end: at(1.5), created: '20260201T080000Z', rrule: 'FREQ=DAILY;COUNT=1' }));

    const result = await apply(planned, client, calendar.id);
    expect(await getObject(lateHref, rooms!)).toBeDefined();
    const lateOutcome = [...result.outcomes.entries()].find(([key]) => key.startsWith('loser|') && key.includes('late.ics'))?.[1];
    expect(lateOutcome).toEqual({ status: 'skipped', error: 'no longer needed after another object changed' });
    // The series' own first occurrence still loses to "early" and is cancelled on the new version.
    const series = (await getObject(seriesHref, rooms!))!;
    expect(series).toContain('COUNT=1');
    expect(series).toContain('STATUS:CANCELLED');
    expect((await audit.list({ calendarId: calendar.id })).map((e) => e.uid)).toEqual(['series']);
  });

  it('after a winner vanished (404 on its own write), its losers are re-checked too', async () => {
    const { url, calendar, client } = await room();
    await putObject(url, rooms!, 'early.ics', vevent({ uid: 'early', start: at(0), end: at(1), created: '20260101T080000Z' }));
    const seriesHref = await putObject(url, rooms!, 'series.ics', vevent({ uid: 'series', start: at(0.5), end: at(1.5), created: '20260201T080000Z', rrule: 'FREQ=DAILY;COUNT=2' }));
    const lateHref = await putObject(url, rooms!, 'late.ics', vevent({ uid: 'late', start: at(24.5), end: at(25.5), created: '20260301T080000Z' }));
    const planned = await plan(client);
    await fetch(seriesHref, { method: 'DELETE', headers: { authorization: 'Basic ' + Buffer.from(`${rooms!.username}:${rooms!.password}`).toString('base64') } });

    const result = await apply(planned, client, calendar.id);
    expect(await getObject(lateHref, rooms!)).toBeDefined();
    expect([...result.outcomes.values()].every((o) => o.status === 'skipped')).toBe(true);
    expect(await audit.list({ calendarId: calendar.id })).toEqual([]);
  });
});
