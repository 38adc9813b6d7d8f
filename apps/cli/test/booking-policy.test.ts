import { afterAll, describe, expect, it } from 'vitest';

import { expectOneErrorLine, openDatabase, run, runJson, uniqueName } from './helpers.js';

const handle = openDatabase();
afterAll(() => handle.close());

const URL_BASE = 'https://dav.example.org/calendars/rooms/';
const stored = async (slug: string) => (await handle.db.query.calendars.findFirst({ where: (c, { eq }) => eq(c.slug, slug) }))!;
const create = (slug: string, extra: string[]) =>
  run(['calendar', 'create', '--slug', slug, '--url', `${URL_BASE}${slug}/`, '--username', 'rooms', '--password', 'pw', '--no-verify', ...extra]);

describe('calendar booking policy flags (issue 11)', () => {
  it('defaults new calendars to rejecting conflicts, with no rules', async () => {
    const slug = uniqueName('room');
    const view = await runJson<Record<string, unknown>>(['calendar', 'create', '--slug', slug, '--url', `${URL_BASE}${slug}/`, '--username', 'rooms', '--password', 'pw', '--no-verify']);
    expect(view).toMatchObject({ conflictPolicy: 'reject', seriesMaxConflicts: 0, maxDaysAhead: null, minMinutes: null, maxMinutes: null, openingHours: null });
  });

  it('stores every flag on create, changes and removes them on update', async () => {
    const slug = uniqueName('room');
    const created = await create(slug, ['--conflicts', 'allow', '--series-max-conflicts', '2', '--max-days-ahead', '90', '--min-minutes', '15', '--max-minutes', '240', '--opening-hours', 'Mon-Fri 07:00-20:00, Sat 09:00-13:00']);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('booking rules:  at most 90 days ahead, at least 15 min, at most 240 min, open Mon-Fri 07:00-20:00, Sat 09:00-13:00');
    expect(await stored(slug)).toMatchObject({ conflictPolicy: 'allow', seriesMaxConflicts: 2, maxDaysAhead: 90, minMinutes: 15, maxMinutes: 240, openingHours: 'Mon-Fri 07:00-20:00, Sat 09:00-13:00' });

    const updated = await run(['calendar', 'update', '--slug', slug, '--conflicts', 'reject', '--no-opening-hours', '--no-max-days-ahead', '--max-minutes', '60']);
    expect(updated.code).toBe(0);
    expect(await stored(slug)).toMatchObject({ conflictPolicy: 'reject', seriesMaxConflicts: 2, maxDaysAhead: null, minMinutes: 15, maxMinutes: 60, openingHours: null });
  });

  it('refuses unreadable opening hours, a minimum above the maximum and an unknown policy; nothing is saved', async () => {
    const slug = uniqueName('room');
    const hours = await create(slug, ['--opening-hours', 'Mon-Fry 07:00-20:00']);
    expect(hours.code).toBe(1);
    expect(expectOneErrorLine(hours.stderr)).toMatch(/opening hours: "Fry" .* is not a weekday/);
    expect(await handle.db.query.calendars.findFirst({ where: (c, { eq }) => eq(c.slug, slug) })).toBeUndefined();

    expect((await create(slug, ['--min-minutes', '30'])).code).toBe(0);
    const inverted = await run(['calendar', 'update', '--slug', slug, '--max-minutes', '20']);
    expect(inverted.code).toBe(1);
    expect(expectOneErrorLine(inverted.stderr)).toMatch(/minimum length \(30 minutes\) is above the maximum \(20 minutes\)/);
    expect((await stored(slug)).maxMinutes).toBeNull();

    const policy = await run(['calendar', 'update', '--slug', slug, '--conflicts', 'maybe']);
    expect(policy.code).toBe(2);
  });
});
