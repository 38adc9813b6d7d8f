import { afterAll, describe, expect, it } from 'vitest';

import { openDatabase, run, runJson, uniqueName } from './helpers.js';

const handle = openDatabase();
afterAll(() => handle.close());

const URL_BASE = 'https://dav.example.org/calendars/rooms/';
const stored = async (slug: string) => handle.db.query.calendars.findFirst({ where: (c, { eq }) => eq(c.slug, slug) });
const create = (slug: string, extra: string[]) =>
  run(['calendar', 'create', '--slug', slug, '--url', `${URL_BASE}${slug}/`, '--username', 'rooms', '--password', 'pw', '--no-verify', ...extra]);

describe('calendar room attributes (issue 12: --capacity, --features, --location)', () => {
  it('stores them on create, prints them, and changes and removes them on update', async () => {
    const slug = uniqueName('room');
    const created = await create(slug, ['--capacity', '12', '--features', 'projector, video-conf,projector', '--location', 'Building B, 2nd floor']);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toContain('capacity:       12 people');
    expect(created.stdout).toContain('features:       projector, video-conf');
    expect(created.stdout).toContain('location:       Building B, 2nd floor');
    expect(await stored(slug)).toMatchObject({ capacity: 12, features: ['projector', 'video-conf'], location: 'Building B, 2nd floor' });

    const view = await runJson<Record<string, unknown>>(['calendar', 'update', '--slug', slug, '--capacity', '8', '--no-features', '--no-location']);
    expect(view).toMatchObject({ capacity: 8, features: [], location: null, mirror: { state: 'never' } });
    expect(await stored(slug)).toMatchObject({ capacity: 8, features: [], location: null });
    expect((await run(['calendar', 'update', '--slug', slug, '--no-capacity'])).stdout).toContain('capacity:       (not stated)');
  });

  it('refuses a capacity that is not a positive whole number, a feature that is not a lower-case slug and an overlong location; nothing is saved', async () => {
    const slug = uniqueName('room');
    const cases: [string[], RegExp][] = [
      [['--capacity', '0'], /--capacity <n>'? argument '0' is invalid\. Expected a whole number from 1 to 100000\./],
      [['--capacity', '2.5'], /Expected a whole number/],
      [['--features', 'projector,Video Conf'], /"Video Conf" is not a feature name/],
      [['--features', 'a,,b'], /An empty feature is not a feature name/],
      [['--location', 'x'.repeat(201)], /A location is 1-200 characters/],
    ];
    for (const [flags, message] of cases) {
      const result = await create(slug, flags);
      expect(result.code, flags.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    expect(await stored(slug)).toBeUndefined();
  });
});
