import { createAuditLogRepository, createCalendarsRepository, createPriorityTokensRepository, createUsersRepository } from '@roombook/db';
import { makeCalendar, type CalDavUser } from '@roombook/testing';
import { afterAll, describe, expect, inject, it } from 'vitest';

import { expectOneErrorLine, openDatabase, run, runJson, uniqueName } from './helpers.js';

const handle = openDatabase();
afterAll(() => handle.close());

const [rooms, alice] = inject('radicaleUsers') as [CalDavUser, CalDavUser];
const base = inject('radicaleUrl');

const calendarRow = (slug: string) => handle.db.query.calendars.findFirst({ where: (c, { eq }) => eq(c.slug, slug) });

/** A room on the test Radicale, registered (and verified) through the CLI. */
async function room(): Promise<{ slug: string; url: string }> {
  const slug = uniqueName('room');
  const url = await makeCalendar(base, rooms, slug);
  const result = await run(['calendar', 'create', '--slug', slug, '--url', url, '--username', rooms.username, '--password-env', 'ROOMS_PW'], { ROOMS_PW: rooms.password });
  if (result.code !== 0) throw new Error(result.stderr);
  return { slug, url };
}

describe('calendar create / update verify against the server', () => {
  it('stores a calendar the server confirms', async () => {
    const { slug } = await room();
    expect(await calendarRow(slug)).toBeDefined();
  });

  it.each([
    ['a wrong password', async () => ({ url: await makeCalendar(base, rooms, uniqueName('v')), password: 'wrong-password' }), 'wrong user name or password'],
    ["another user's calendar", async () => ({ url: await makeCalendar(base, alice, uniqueName('v')), password: rooms.password }), 'may not read'],
    ['no such collection', async () => ({ url: new URL(`${rooms.username}/${uniqueName('missing')}/`, base).toString(), password: rooms.password }), 'no such collection'],
    ['not a calendar (the user folder)', async () => ({ url: new URL(`${rooms.username}/`, base).toString(), password: rooms.password }), 'not a calendar'],
  ])('refuses %s in words and saves nothing', async (_what, target, words) => {
    const { url, password } = await target();
    const slug = uniqueName('room');
    const result = await run(['calendar', 'create', '--slug', slug, '--url', url, '--username', rooms.username, '--password-env', 'PW'], { PW: password });
    expect(result.code).toBe(1);
    const line = expectOneErrorLine(result.stderr);
    expect(line).toContain('calendar not saved: ');
    expect(line).toContain(words);
    expect(line).toContain('--no-verify');
    expect(line).not.toContain(password === rooms.password ? '\u0000' : password);
    expect(await calendarRow(slug)).toBeUndefined();
  });

  it('saves an unverifiable calendar with --no-verify', async () => {
    const slug = uniqueName('room');
    const url = new URL(`${rooms.username}/${uniqueName('later')}/`, base).toString();
    const result = await run(['calendar', 'create', '--slug', slug, '--url', url, '--username', rooms.username, '--password', 'x', '--no-verify']);
    expect(result.code).toBe(0);
    expect(await calendarRow(slug)).toMatchObject({ url });
  });

  it('verifies a new URL or password on update (with the stored values for the rest), not other settings', async () => {
    const { slug, url } = await room();
    const wrong = await run(['calendar', 'update', '--slug', slug, '--password', 'not-it']);
    expect(wrong.code).toBe(1);
    expect(expectOneErrorLine(wrong.stderr)).toContain('wrong user name or password');
    const elsewhere = new URL(`${rooms.username}/${uniqueName('missing')}/`, base).toString();
    const moved = await run(['calendar', 'update', '--slug', slug, '--url', elsewhere]);
    expect(moved.code).toBe(1);
    expect(expectOneErrorLine(moved.stderr)).toContain('no such collection');
    expect(await calendarRow(slug)).toMatchObject({ url });
    const other = await makeCalendar(base, rooms, uniqueName('v'));
    expect((await run(['calendar', 'update', '--slug', slug, '--url', other])).code).toBe(0);
    expect(await calendarRow(slug)).toMatchObject({ url: other });
    expect((await run(['calendar', 'update', '--slug', slug, '--horizon-days', '30'])).code).toBe(0);
  });
});

describe('calendar delete', () => {
  it('deletes an unused calendar, and leaves the CalDAV collection alone', async () => {
    const { slug, url } = await room();
    const result = await runJson<{ deleted: boolean; alsoRemoved: string[] }>(['calendar', 'delete', '--slug', slug]);
    expect(result).toMatchObject({ deleted: true, alsoRemoved: [] });
    expect(await calendarRow(slug)).toBeUndefined();
    const still = await fetch(url, { method: 'PROPFIND', headers: { depth: '0', authorization: 'Basic ' + Buffer.from(`${rooms.username}:${rooms.password}`).toString('base64') } });
    expect(still.status).toBe(207);
  });

  it('refuses while users, tokens or restore points depend on it, naming them; --force removes them too', async () => {
    const { slug } = await room();
    const user = uniqueName('user');
    await createUsersRepository(handle.db).create({ name: user });
    await createCalendarsRepository(handle.db).grant(slug, user);
    const calendar = (await calendarRow(slug))!;
    await createPriorityTokensRepository(handle.db).create({ calendarId: calendar.id, label: 'board' });
    await createAuditLogRepository(handle.db).record({
      calendarId: calendar.id, uid: 'x', action: 'deleted', href: 'x.ics', previousIcal: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n',
    });

    const refused = await run(['calendar', 'delete', '--slug', slug]);
    expect(refused.code).toBe(1);
    const line = expectOneErrorLine(refused.stderr);
    expect(line).toContain(`calendar "${slug}" is still in use`);
    expect(line).toContain(`1 user may book it (${user})`);
    expect(line).toContain('1 active priority token');
    expect(line).toContain('1 restore point');
    expect(line).toContain('--force');
    expect(await calendarRow(slug)).toBeDefined();

    const forced = await run(['calendar', 'delete', '--slug', slug, '--force']);
    expect(forced.code).toBe(0);
    expect(await calendarRow(slug)).toBeUndefined();
    expect(await handle.db.query.calendarUsers.findFirst({ where: (g, { eq }) => eq(g.calendarId, calendar.id) })).toBeUndefined();
  });

  it('names an unknown calendar', async () => {
    const slug = uniqueName('nope');
    const result = await run(['calendar', 'delete', '--slug', slug]);
    expect(result.code).toBe(1);
    expect(expectOneErrorLine(result.stderr)).toBe(`roombook: error: unknown calendar "${slug}"`);
  });
});

describe('calendar revoke', () => {
  it("takes a user's access away", async () => {
    const { slug } = await room();
    const user = uniqueName('user');
    expect((await run(['user', 'create', '--name', user])).code).toBe(0);
    expect((await run(['key', 'create', '--user', user])).code).toBe(0);
    expect((await run(['calendar', 'grant', '--calendar', slug, '--user', user])).code).toBe(0);
    const result = await run(['calendar', 'revoke', '--calendar', slug, '--user', user]);
    expect(result).toMatchObject({ code: 0, stdout: `user ${user} may no longer use calendar ${slug}\n` });
    const calendar = (await calendarRow(slug))!;
    expect(await handle.db.query.calendarUsers.findFirst({ where: (g, { eq }) => eq(g.calendarId, calendar.id) })).toBeUndefined();
    const again = await run(['calendar', 'revoke', '--calendar', slug, '--user', user]);
    expect(again.code).toBe(1);
    expect(expectOneErrorLine(again.stderr)).toContain(`user "${user}" has no access to calendar "${slug}"`);
  });

  it('refuses while a key of the user was used recently, unless --force', async () => {
    const { slug } = await room();
    const user = uniqueName('user');
    const users = createUsersRepository(handle.db);
    await users.create({ name: user });
    const key = await users.createKey({ userName: user });
    await users.authenticate(key.token); // a client used it just now
    await createCalendarsRepository(handle.db).grant(slug, user);
    const refused = await run(['calendar', 'revoke', '--calendar', slug, '--user', user]);
    expect(refused.code).toBe(1);
    const line = expectOneErrorLine(refused.stderr);
    expect(line).toContain(`1 API key of theirs (${key.prefix}) was used in the last 30 days`);
    expect(line).toContain('--force');
    expect((await run(['calendar', 'revoke', '--calendar', slug, '--user', user, '--force'])).code).toBe(0);
  });
});

describe('user delete', () => {
  it('deletes a user without keys or grants at once, and revoked keys with them', async () => {
    const user = uniqueName('user');
    const users = createUsersRepository(handle.db);
    await users.create({ name: user });
    const key = await users.createKey({ userName: user });
    await users.revokeKey(key.prefix);
    const result = await runJson<{ deleted: boolean; keysDeleted: number }>(['user', 'delete', '--name', user]);
    expect(result).toMatchObject({ deleted: true, keysDeleted: 1 });
    expect((await users.listKeys()).map((k) => k.prefix)).not.toContain(key.prefix);
  });

  it('refuses while the user has active keys or grants, naming them; --force deletes the user with its keys', async () => {
    const { slug } = await room();
    const user = uniqueName('user');
    const users = createUsersRepository(handle.db);
    await users.create({ name: user });
    const key = await users.createKey({ userName: user });
    await createCalendarsRepository(handle.db).grant(slug, user);
    const refused = await run(['user', 'delete', '--name', user]);
    expect(refused.code).toBe(1);
    const line = expectOneErrorLine(refused.stderr);
    expect(line).toContain(`user "${user}" is still in use: they have 1 active API key (${key.prefix}) and access to 1 calendar (${slug})`);
    expect(await users.authenticate(key.token)).toBeDefined();

    const forced = await run(['user', 'delete', '--name', user, '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(`deleted user ${user} and 1 API key`);
    expect(await users.authenticate(key.token)).toBeUndefined();
    expect((await users.list()).map((u) => u.name)).not.toContain(user);
    expect(await calendarRow(slug)).toBeDefined();
  });
});
