import { afterAll, describe, expect, it } from 'vitest';

import { createEmailTemplatesRepository, createSecretBox } from '@roombook/db';

import { SECRET_KEY, expectOneErrorLine, openDatabase, run, runJson, uniqueName } from './helpers.js';

const handle = openDatabase();
afterAll(() => handle.close());

const URL_BASE = 'https://dav.example.org/calendars/rooms/';

async function storedCalendar(slug: string) {
  const row = await handle.db.query.calendars.findFirst({ where: (c, { eq }) => eq(c.slug, slug) });
  if (!row) throw new Error(`calendar ${slug} not stored`);
  return row;
}

/**
 * The password every calendar here is created with. Long and unlike anything generated: the list
 * holds every calendar of the run's database, and a short one ('pw-1') turned up inside another
 * test's random slug.
 */
const PASSWORD = 'listed-nowhere-Zq7-password';

async function createCalendar(extra: string[] = []): Promise<string> {
  const slug = uniqueName('room');
  const result = await run([
    'calendar', 'create', '--slug', slug, '--url', `${URL_BASE}${slug}/`, '--username', 'rooms', '--password', PASSWORD, '--no-verify', ...extra,
  ]);
  if (result.code !== 0) throw new Error(result.stderr);
  return slug;
}

describe('calendar create', () => {
  it('stores the password encrypted with SECRET_KEY and never prints it', async () => {
    const slug = uniqueName('room');
    const password = 'correct horse battery staple';
    const result = await run([
      'calendar', 'create', '--slug', slug, '--url', `${URL_BASE}${slug}`, '--username', 'rooms', '--no-verify',
      '--password', password, '--timezone', 'Europe/Berlin', '--name', 'Room One',
      '--auto-clear', '--clear-interval', '15m', '--horizon-days', '90',
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(`created calendar ${slug}`);
    expect(result.stdout).not.toContain(password);

    const row = await storedCalendar(slug);
    expect(row).toMatchObject({
      displayName: 'Room One',
      // The missing trailing slash is added: object URLs resolve against the collection.
      url: `${URL_BASE}${slug}/`,
      username: 'rooms',
      timeZone: 'Europe/Berlin',
      autoClear: true,
      clearIntervalSeconds: 900,
      horizonDays: 90,
      mailEnabled: true,
      templateId: null,
    });
    expect(row.passwordEncrypted).not.toContain(password);
    expect(createSecretBox(SECRET_KEY).decrypt(row.passwordEncrypted)).toBe(password);
  });

  it('applies the defaults and prints JSON without any password field', async () => {
    const slug = uniqueName('room');
    const calendar = await runJson<Record<string, unknown>>([
      'calendar', 'create', '--slug', slug, '--url', `${URL_BASE}${slug}/`, '--username', 'rooms', '--password', 'pw', '--no-verify',
    ]);
    expect(calendar).toMatchObject({
      slug, displayName: slug, timeZone: 'UTC', autoClear: false, clearIntervalSeconds: 3600, horizonDays: 365, template: null,
    });
    expect(Object.keys(calendar).some((k) => /password/i.test(k))).toBe(false);
  });

  it('reads the password from the variable --password-env names', async () => {
    const slug = uniqueName('room');
    const result = await run(
      ['calendar', 'create', '--slug', slug, '--url', `${URL_BASE}${slug}/`, '--username', 'rooms', '--password-env', 'ROOM_PW', '--no-verify'],
      { ROOM_PW: 'from-the-env' },
    );
    expect(result.code).toBe(0);
    const row = await storedCalendar(slug);
    expect(createSecretBox(SECRET_KEY).decrypt(row.passwordEncrypted)).toBe('from-the-env');
  });

  it.each([
    ['a non-http URL', ['--url', 'ftp://dav.example.org/x/'], '--url'],
    ['a malformed URL', ['--url', 'not a url'], '--url'],
    ['credentials in the URL', ['--url', 'https://u:p@dav.example.org/x/'], '--url'],
    ['an upper-case slug', ['--slug', 'Room-A'], '--slug'],
    ['a slug starting with "-"', ['--slug', '-room'], '--slug'],
    ['an unknown time zone', ['--timezone', 'Mars/Olympus'], '--timezone'],
    ['a bad interval', ['--clear-interval', '5 minutes'], '--clear-interval'],
    ['a too-short interval', ['--clear-interval', '10s'], '--clear-interval'],
    ['a bad horizon', ['--horizon-days', '0'], '--horizon-days'],
  ])('refuses %s as a usage error (exit 2)', async (_what, override, option) => {
    const slug = uniqueName('room');
    const options = new Map<string, string>([
      ['--slug', slug], ['--url', `${URL_BASE}${slug}/`], ['--username', 'rooms'], ['--password', 'pw'],
    ]);
    for (let i = 0; i < override.length; i += 2) options.set(override[i]!, override[i + 1]!);
    const result = await run(['calendar', 'create', ...[...options].flat()]);
    expect(result.code).toBe(2);
    expect(expectOneErrorLine(result.stderr)).toContain(option);
    expect(await handle.db.query.calendars.findFirst({ where: (c, { eq }) => eq(c.slug, slug) })).toBeUndefined();
  });

  it('requires exactly one of --password and --password-env, and a set variable', async () => {
    const slug = uniqueName('room');
    const base = ['calendar', 'create', '--slug', slug, '--url', `${URL_BASE}${slug}/`, '--username', 'rooms'];
    const none = await run(base);
    expect(none.code).toBe(2);
    expect(expectOneErrorLine(none.stderr)).toContain('--password');
    const both = await run([...base, '--password', 'a', '--password-env', 'ROOM_PW'], { ROOM_PW: 'b' });
    expect(both.code).toBe(2);
    expectOneErrorLine(both.stderr);
    const unset = await run([...base, '--password-env', 'NOT_SET_ANYWHERE']);
    expect(unset.code).toBe(2);
    expect(expectOneErrorLine(unset.stderr)).toContain('NOT_SET_ANYWHERE');
  });

  it('refuses a duplicate slug (exit 1)', async () => {
    const slug = await createCalendar();
    const again = await run(['calendar', 'create', '--slug', slug, '--url', `${URL_BASE}x/`, '--username', 'u', '--password', 'p', '--no-verify']);
    expect(again.code).toBe(1);
    expect(expectOneErrorLine(again.stderr)).toBe(`roombook: error: calendar "${slug}" already exists`);
  });

  it('names SECRET_KEY when it is missing or too short, while calendar list works without it', async () => {
    const slug = uniqueName('room');
    const args = ['calendar', 'create', '--slug', slug, '--url', `${URL_BASE}${slug}/`, '--username', 'u', '--password', 'p'];
    const missing = await run(args, { SECRET_KEY: undefined });
    expect(missing.code).toBe(1);
    expect(expectOneErrorLine(missing.stderr)).toMatch(/SECRET_KEY is not set/);
    const short = await run(args, { SECRET_KEY: 'short' });
    expect(short.code).toBe(1);
    expect(expectOneErrorLine(short.stderr)).toContain('SECRET_KEY');
    expect(await handle.db.query.calendars.findFirst({ where: (c, { eq }) => eq(c.slug, slug) })).toBeUndefined();

    expect((await run(['calendar', 'list'], { SECRET_KEY: undefined })).code).toBe(0);
    expect((await run(['user', 'list'], { SECRET_KEY: undefined })).code).toBe(0);
  });
});

describe('calendar update', () => {
  it('changes only the given settings', async () => {
    const slug = await createCalendar();
    const before = await storedCalendar(slug);
    const result = await run([
      'calendar', 'update', '--slug', slug, '--name', 'Renamed', '--timezone', 'america/new_york',
      '--auto-clear', '--clear-interval', '1h30m', '--horizon-days', '30', '--no-mail',
    ]);
    expect(result.code).toBe(0);
    const after = await storedCalendar(slug);
    expect(after).toMatchObject({
      displayName: 'Renamed',
      timeZone: 'America/New_York',
      autoClear: true,
      clearIntervalSeconds: 5400,
      horizonDays: 30,
      mailEnabled: false,
      url: before.url,
      username: before.username,
      passwordEncrypted: before.passwordEncrypted,
    });

    const back = await runJson<Record<string, unknown>>(['calendar', 'update', '--slug', slug, '--no-auto-clear', '--mail', '--clear-interval', '3600']);
    expect(back).toMatchObject({ autoClear: false, mailEnabled: true, clearIntervalSeconds: 3600, displayName: 'Renamed' });
  });

  it('re-encrypts a new password (from --password-env) and changes URL and username', async () => {
    const slug = await createCalendar();
    const result = await run(
      ['calendar', 'update', '--slug', slug, '--password-env', 'NEW_PW', '--url', `${URL_BASE}moved/`, '--username', 'other', '--no-verify'],
      { NEW_PW: 'new-secret' },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('new-secret');
    const row = await storedCalendar(slug);
    expect(row).toMatchObject({ url: `${URL_BASE}moved/`, username: 'other' });
    expect(createSecretBox(SECRET_KEY).decrypt(row.passwordEncrypted)).toBe('new-secret');
  });

  it('needs SECRET_KEY only when the password changes', async () => {
    const slug = await createCalendar();
    expect((await run(['calendar', 'update', '--slug', slug, '--horizon-days', '10'], { SECRET_KEY: undefined })).code).toBe(0);
    const result = await run(['calendar', 'update', '--slug', slug, '--password', 'x'], { SECRET_KEY: undefined });
    expect(result.code).toBe(1);
    expect(expectOneErrorLine(result.stderr)).toContain('SECRET_KEY');
  });

  it('selects a stored template (turning mail on) and goes back to the default', async () => {
    const slug = await createCalendar();
    const name = uniqueName('tpl');
    const template = await createEmailTemplatesRepository(handle.db).upsert({ name, subject: 'S', body: 'B' });
    expect((await run(['calendar', 'update', '--slug', slug, '--no-mail'])).code).toBe(0);

    const chosen = await runJson<{ template: string | null; mailEnabled: boolean }>(['calendar', 'update', '--slug', slug, '--template', name]);
    expect(chosen).toMatchObject({ template: name, mailEnabled: true });
    expect((await storedCalendar(slug)).templateId).toBe(template.id);

    const listed = await runJson<{ slug: string; template: string | null }[]>(['calendar', 'list']);
    expect(listed.find((c) => c.slug === slug)?.template).toBe(name);

    expect((await run(['calendar', 'update', '--slug', slug, '--default-template'])).code).toBe(0);
    expect((await storedCalendar(slug)).templateId).toBeNull();
  });

  it('reports unknown templates and calendars (exit 1) and misuse (exit 2)', async () => {
    const slug = await createCalendar();
    const unknownTemplate = await run(['calendar', 'update', '--slug', slug, '--template', uniqueName('nope')]);
    expect(unknownTemplate.code).toBe(1);
    expect(expectOneErrorLine(unknownTemplate.stderr)).toContain('unknown template');

    const unknownCalendar = await run(['calendar', 'update', '--slug', uniqueName('nope'), '--horizon-days', '5']);
    expect(unknownCalendar.code).toBe(1);
    expect(expectOneErrorLine(unknownCalendar.stderr)).toContain('unknown calendar');

    const nothing = await run(['calendar', 'update', '--slug', slug]);
    expect(nothing.code).toBe(2);
    expect(expectOneErrorLine(nothing.stderr)).toContain('nothing to update');

    const conflicting = await run(['calendar', 'update', '--slug', slug, '--template', 'x', '--default-template']);
    expect(conflicting.code).toBe(2);
    const templateWithoutMail = await run(['calendar', 'update', '--slug', slug, '--template', 'x', '--no-mail']);
    expect(templateWithoutMail.code).toBe(2);
  });
});

describe('calendar grant and list', () => {
  it('links a user to a calendar', async () => {
    const slug = await createCalendar();
    const user = uniqueName('granted');
    expect((await run(['user', 'create', '--name', user])).code).toBe(0);
    const result = await run(['calendar', 'grant', '--calendar', slug, '--user', user]);
    expect(result).toMatchObject({ code: 0, stdout: `user ${user} may now use calendar ${slug}\n` });
    // Granting twice is harmless.
    expect((await run(['calendar', 'grant', '--calendar', slug, '--user', user])).code).toBe(0);

    const calendar = await storedCalendar(slug);
    const links = await handle.db.query.calendarUsers.findMany({ where: (l, { eq }) => eq(l.calendarId, calendar.id) });
    const userRow = await handle.db.query.users.findFirst({ where: (u, { eq }) => eq(u.name, user) });
    expect(links).toEqual([{ calendarId: calendar.id, userId: userRow!.id, manage: false }]);
  });

  it('reports an unknown user or calendar', async () => {
    const slug = await createCalendar();
    const noUser = await run(['calendar', 'grant', '--calendar', slug, '--user', uniqueName('ghost')]);
    expect(noUser.code).toBe(1);
    expect(expectOneErrorLine(noUser.stderr)).toContain('unknown user');
    const noCalendar = await run(['calendar', 'grant', '--calendar', uniqueName('ghost'), '--user', 'x']);
    expect(noCalendar.code).toBe(1);
    expect(expectOneErrorLine(noCalendar.stderr)).toContain('unknown calendar');
  });

  it('lists calendars without passwords or ciphertext', async () => {
    const slug = await createCalendar(['--auto-clear', '--clear-interval', '900']);
    const row = await storedCalendar(slug);
    const text = await run(['calendar', 'list']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^SLUG\s+NAME\s+TIME ZONE\s+AUTO CLEAR/);
    expect(text.stdout).toMatch(new RegExp(`${slug}\\s+${slug}\\s+UTC\\s+15m\\s+365d`));
    expect(text.stdout).not.toContain(PASSWORD);
    expect(text.stdout).not.toContain(row.passwordEncrypted);

    const json = await run(['calendar', 'list', '--json']);
    expect(json.stdout).not.toContain(row.passwordEncrypted);
    expect(json.stdout).not.toContain(PASSWORD);
    const calendars = JSON.parse(json.stdout) as Record<string, unknown>[];
    const entry = calendars.find((c) => c['slug'] === slug)!;
    expect(entry).toMatchObject({ autoClear: true, clearIntervalSeconds: 900, url: row.url });
    expect(Object.keys(entry).some((k) => /password/i.test(k))).toBe(false);
  });
});
