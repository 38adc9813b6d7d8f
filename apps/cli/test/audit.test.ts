import { afterAll, describe, expect, it } from 'vitest';

import { createAuditLogRepository, createCalendarsRepository, createSecretBox } from '@roombook/db';

import { SECRET_KEY, expectOneErrorLine, openDatabase, run, runJson, uniqueName } from './helpers.js';

const handle = openDatabase();
afterAll(() => handle.close());

describe('audit list', () => {
  it('lists one calendar’s entries newest first, limited, without the stored iCalendar text', async () => {
    const calendars = createCalendarsRepository(handle.db, createSecretBox(SECRET_KEY));
    const audit = createAuditLogRepository(handle.db);
    const room = await calendars.create({ slug: uniqueName('audited'), url: 'https://dav.example.org/a/', username: 'u', password: 'p' });
    const other = await calendars.create({ slug: uniqueName('other'), url: 'https://dav.example.org/o/', username: 'u', password: 'p' });
    const ical = 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n';
    const first = await audit.record({ calendarId: room.id, uid: 'uid-first', action: 'deleted', href: 'first.ics', previousIcal: ical, jobId: 'job-1' });
    const second = await audit.record({
      calendarId: room.id, uid: 'uid-second', recurrenceId: '20250101T100000Z', action: 'declined', href: 'second.ics', previousIcal: ical,
    });
    await audit.record({ calendarId: other.id, uid: 'uid-other', action: 'deleted', href: 'other.ics', previousIcal: ical });

    const entries = await runJson<{ id: number; calendar: string; uid: string; action: string; recurrenceId: string | null; jobId: string | null }[]>([
      'audit', 'list', '--calendar', room.slug,
    ]);
    expect(entries.map((e) => e.id)).toEqual([second.id, first.id]);
    expect(entries[0]).toMatchObject({ calendar: room.slug, uid: 'uid-second', action: 'declined', recurrenceId: '20250101T100000Z' });
    expect(entries[1]).toMatchObject({ uid: 'uid-first', jobId: 'job-1' });
    expect(JSON.stringify(entries)).not.toContain('VCALENDAR');

    const limited = await runJson<{ id: number }[]>(['audit', 'list', '--calendar', room.slug, '--limit', '1']);
    expect(limited.map((e) => e.id)).toEqual([second.id]);

    const text = await run(['audit', 'list', '--calendar', room.slug]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ID\s+AT\s+CALENDAR\s+ACTION\s+UID/);
    expect(text.stdout).toMatch(new RegExp(`${second.id}\\s+\\S+Z\\s+${room.slug}\\s+declined\\s+uid-second\\s+20250101T100000Z`));

    const all = await runJson<{ uid: string }[]>(['audit', 'list', '--limit', '10000']);
    expect(all.map((e) => e.uid)).toEqual(expect.arrayContaining(['uid-first', 'uid-second', 'uid-other']));
  });

  it('says so for an empty log, an unknown calendar and a bad limit', async () => {
    const calendars = createCalendarsRepository(handle.db, createSecretBox(SECRET_KEY));
    const quiet = await calendars.create({ slug: uniqueName('quiet'), url: 'https://dav.example.org/q/', username: 'u', password: 'p' });
    expect(await run(['audit', 'list', '--calendar', quiet.slug])).toMatchObject({ code: 0, stdout: 'no audit entries\n' });
    expect(await runJson(['audit', 'list', '--calendar', quiet.slug])).toEqual([]);

    const unknown = await run(['audit', 'list', '--calendar', uniqueName('ghost')]);
    expect(unknown.code).toBe(1);
    expect(expectOneErrorLine(unknown.stderr)).toContain('unknown calendar');
    const badLimit = await run(['audit', 'list', '--limit', '0']);
    expect(badLimit.code).toBe(2);
    expect(expectOneErrorLine(badLimit.stderr)).toContain('--limit');
  });
});
