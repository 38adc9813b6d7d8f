import { createCalendarsRepository, createDatabase, createSecretBox, createUsersRepository, createWebhooksRepository } from '@roombook/db';
import { createTestDatabase, type TestDatabase } from '@roombook/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runCli } from '../src/program.js';
import { SECRET_KEY, expectOneErrorLine, openDatabase, run, runJson, uniqueName } from './helpers.js';

const URL_BASE = 'http://127.0.0.1:1/rooms/';

async function createCalendar(extra: string[] = []): Promise<string> {
  const slug = uniqueName('room');
  const result = await run(['calendar', 'create', '--slug', slug, '--url', `${URL_BASE}${slug}/`, '--username', 'rooms', '--password', 'pw', '--no-verify', ...extra]);
  if (result.code !== 0) throw new Error(result.stderr);
  return slug;
}

describe('calendar grant --manage, --open-delete, --allow-private-address', () => {
  it('grants, upgrades and downgrades the manage flag; a plain re-grant keeps it', async () => {
    const slug = await createCalendar();
    const user = uniqueName('user');
    await run(['user', 'create', '--name', user]);
    const handle = openDatabase();
    try {
      const repo = createCalendarsRepository(handle.db);
      const { id: userId } = await createUsersRepository(handle.db).requireUser(user);
      const { id: calendarId } = await repo.requireBySlug(slug);
      expect((await run(['calendar', 'grant', '--calendar', slug, '--user', user])).code).toBe(0);
      expect(await repo.accessFor(userId, calendarId)).toEqual({ manage: false, openDelete: false });
      expect((await run(['calendar', 'grant', '--calendar', slug, '--user', user, '--manage'])).stdout).toContain('manage its bookings');
      expect(await repo.accessFor(userId, calendarId)).toEqual({ manage: true, openDelete: false });
      await run(['calendar', 'grant', '--calendar', slug, '--user', user]);
      expect((await repo.accessFor(userId, calendarId))?.manage).toBe(true);
      await run(['calendar', 'grant', '--calendar', slug, '--user', user, '--no-manage']);
      expect((await repo.accessFor(userId, calendarId))?.manage).toBe(false);

      const opened = await runJson<{ openDelete: boolean }>(['calendar', 'update', '--slug', slug, '--open-delete']);
      expect(opened.openDelete).toBe(true);
      expect(await repo.accessFor(userId, calendarId)).toEqual({ manage: false, openDelete: true });
      expect((await runJson<{ openDelete: boolean }>(['calendar', 'update', '--slug', slug, '--no-open-delete'])).openDelete).toBe(false);
    } finally {
      await handle.close();
    }
  });

  it('stores --allow-private-address, and create refuses a metadata URL without it', async () => {
    const slug = uniqueName('room');
    const refused = await run(['calendar', 'create', '--slug', slug, '--url', 'http://169.254.169.254/dav/', '--username', 'rooms', '--password', 'pw']);
    expect(refused.code).toBe(1);
    expect(expectOneErrorLine(refused.stderr)).toMatch(/link-local or cloud metadata address/);
    const allowed = await runJson<{ allowPrivateAddress: boolean }>([
      'calendar', 'create', '--slug', slug, '--url', 'http://169.254.169.254/dav/', '--username', 'rooms', '--password', 'pw', '--no-verify', '--allow-private-address',
    ]);
    expect(allowed.allowPrivateAddress).toBe(true);
  });
});

describe('secret rotate', () => {
  // A database of its own: rotation re-encrypts every calendar, and other files share the run's database.
  let database: TestDatabase;
  const NEW_KEY = 'the-new-secret-key-9876543210';
  const cli = async (argv: string[], env: Record<string, string | undefined>) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), env: { DATABASE_URL: database.url, ...env } });
    return { code, stdout, stderr };
  };

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('re-encrypts every stored password under the new key, or none when one is unreadable', async () => {
    for (const [slug, password] of [['room-a', 'pw-a'], ['room-b', 'pw-b']] as const) {
      const created = await cli(['calendar', 'create', '--slug', slug, '--url', `${URL_BASE}${slug}/`, '--username', 'rooms', '--password', password, '--no-verify'], { SECRET_KEY });
      expect(created.code).toBe(0);
    }
    const handle = createDatabase(database.url, { max: 1 });
    try {
      const stored = async () => Object.fromEntries((await createCalendarsRepository(handle.db).list()).map((c) => [c.slug, c.passwordEncrypted]));
      const before = await stored();

      // Usage errors change nothing.
      expect((await cli(['secret', 'rotate', '--new-key-env', 'NEW_KEY'], { SECRET_KEY })).code).toBe(2);
      expect((await cli(['secret', 'rotate', '--new-key-env', 'NEW_KEY'], { SECRET_KEY, NEW_KEY: 'short' })).code).toBe(2);
      expect((await cli(['secret', 'rotate', '--new-key-env', 'NEW_KEY'], { SECRET_KEY, NEW_KEY: SECRET_KEY })).code).toBe(2);
      // The wrong current key: nothing is readable, nothing changes.
      const wrong = await cli(['secret', 'rotate', '--new-key-env', 'NEW_KEY'], { SECRET_KEY: 'not-the-key-it-was-stored-with', NEW_KEY });
      expect(wrong.code).toBe(1);
      expect(expectOneErrorLine(wrong.stderr)).toMatch(/nothing was changed.*calendar "room-a"/);
      expect(await stored()).toEqual(before);

      // One password stored under yet another key: the transaction rolls back the other.
      const other = createCalendarsRepository(handle.db, createSecretBox('a-third-key-0123456789'));
      await other.update('room-b', { password: 'pw-b2' });
      const mixed = await stored();
      const partial = await cli(['secret', 'rotate', '--new-key-env', 'NEW_KEY'], { SECRET_KEY, NEW_KEY });
      expect(partial.code).toBe(1);
      expect(partial.stderr).toContain('room-b');
      expect(await stored()).toEqual(mixed);
      await createCalendarsRepository(handle.db, createSecretBox(SECRET_KEY)).update('room-b', { password: 'pw-b' });

      // A webhook's signing secret is sealed with the same key and moves with it (issue 12).
      expect((await cli(['user', 'create', '--name', 'hook-owner'], { SECRET_KEY })).code).toBe(0);
      const hook = await cli(['webhook', 'create', '--user', 'hook-owner', '--url', 'http://127.0.0.1:9/h', '--json'], { SECRET_KEY, WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' });
      const { id: hookId, secret: hookSecret } = JSON.parse(hook.stdout) as { id: number; secret: string };

      const rotated = await cli(['secret', 'rotate', '--new-key-env', 'NEW_KEY', '--json'], { SECRET_KEY, NEW_KEY });
      expect(rotated.code).toBe(0);
      expect(JSON.parse(rotated.stdout)).toEqual({ rotated: ['room-a', 'room-b'], webhooks: [hookId] });
      expect((await createWebhooksRepository(handle.db, createSecretBox(NEW_KEY)).target(hookId))!.secret).toBe(hookSecret);
      expect(rotated.stdout).not.toContain(NEW_KEY);
      const fresh = createCalendarsRepository(handle.db, createSecretBox(NEW_KEY));
      const rows = await fresh.list();
      expect(await Promise.all(rows.map(async (r) => (await fresh.withCredentials(r.id)).password))).toEqual(['pw-a', 'pw-b']);
      expect(() => createSecretBox(SECRET_KEY).decrypt(rows[0]!.passwordEncrypted)).toThrow();
    } finally {
      await handle.close();
    }
  });
});
