import { afterAll, describe, expect, it } from 'vitest';

import { createPriorityTokensRepository } from '@roombook/db';

import { expectOneErrorLine, openDatabase, run, runJson, uniqueName } from './helpers.js';

const handle = openDatabase();
afterAll(() => handle.close());
const tokens = createPriorityTokensRepository(handle.db);

interface CreatedToken {
  id: number;
  token: string;
  calendar: string | null;
  label: string | null;
  active: boolean;
}

async function calendar(): Promise<{ slug: string; id: number }> {
  const slug = uniqueName('prio-room');
  const created = await runJson<{ id: number }>([
    'calendar', 'create', '--slug', slug, '--url', `https://dav.example.org/${slug}/`, '--username', 'u', '--password', 'p', '--no-verify',
  ]);
  return { slug, id: created.id };
}

describe('token', () => {
  it('creates calendar and all-calendar tokens that activeFor returns for the right calendars', async () => {
    const room = await calendar();
    const other = await calendar();

    const text = await run(['token', 'create', '--calendar', room.slug, '--label', 'board']);
    expect(text.code).toBe(0);
    const roomToken = text.stdout.trimEnd().split('\n').at(-1)!;
    expect(roomToken).toMatch(/^prio-[A-Za-z0-9_-]{20}$/);
    expect(text.stdout).toContain(`calendar ${room.slug}`);

    const global = await runJson<CreatedToken>(['token', 'create', '--all-calendars']);
    expect(global).toMatchObject({ calendar: null, label: null, active: true });
    expect(global.token).toMatch(/^prio-[A-Za-z0-9_-]{20}$/);

    const forRoom = await tokens.activeFor(room.id);
    expect(forRoom).toContain(roomToken);
    expect(forRoom).toContain(global.token);
    const forOther = await tokens.activeFor(other.id);
    expect(forOther).toContain(global.token);
    expect(forOther).not.toContain(roomToken);

    // Cleanup: an all-calendar token would otherwise show up in other tests' activeFor.
    expect((await run(['token', 'revoke', '--id', String(global.id)])).code).toBe(0);
  });

  it('lists tokens shortened, never in full', async () => {
    const room = await calendar();
    const created = await runJson<CreatedToken>(['token', 'create', '--calendar', room.slug, '--label', 'vip']);
    const text = await run(['token', 'list']);
    expect(text.code).toBe(0);
    expect(text.stdout).not.toContain(created.token);
    expect(text.stdout).toMatch(new RegExp(`${created.id}\\s+${created.token.slice(0, 9)}…\\s+${room.slug}\\s+vip\\s+yes`));

    const listed = await runJson<Record<string, unknown>[]>(['token', 'list']);
    expect(JSON.stringify(listed)).not.toContain(created.token);
    expect(listed.find((t) => t['id'] === created.id)).toMatchObject({
      tokenHint: `${created.token.slice(0, 9)}…`, calendar: room.slug, label: 'vip', active: true, revokedAt: null,
    });
  });

  it('revokes by token text or by id, and activeFor drops revoked tokens', async () => {
    const room = await calendar();
    const byText = await runJson<CreatedToken>(['token', 'create', '--calendar', room.slug]);
    const byId = await runJson<CreatedToken>(['token', 'create', '--calendar', room.slug]);
    expect(await tokens.activeFor(room.id)).toEqual(expect.arrayContaining([byText.token, byId.token]));

    const revoked = await run(['token', 'revoke', '--token', byText.token]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).not.toContain(byText.token);
    const json = await runJson<{ id: number; active: boolean; revokedAt: string }>(['token', 'revoke', '--id', String(byId.id)]);
    expect(json).toMatchObject({ id: byId.id, active: false });
    expect(Date.parse(json.revokedAt)).not.toBeNaN();

    const active = await tokens.activeFor(room.id);
    expect(active).not.toContain(byText.token);
    expect(active).not.toContain(byId.token);
    const row = await handle.db.query.priorityTokens.findFirst({ where: (t, { eq }) => eq(t.id, byId.id) });
    expect(row).toMatchObject({ active: false });
    expect(row!.revokedAt).toBeInstanceOf(Date);

    const again = await run(['token', 'revoke', '--id', String(byId.id)]);
    expect(again.code).toBe(1);
    expect(expectOneErrorLine(again.stderr)).toContain('already revoked');
    const unknown = await run(['token', 'revoke', '--token', 'prio-doesnotexist00000']);
    expect(unknown.code).toBe(1);
    expect(expectOneErrorLine(unknown.stderr)).toContain('unknown priority token');
    // The error for an unknown token does not echo what was typed (it might be a real one mistyped).
    expect(unknown.stderr).not.toContain('prio-doesnotexist');
  });

  it('rejects misuse with exit 2 and unknown calendars with exit 1', async () => {
    const neither = await run(['token', 'create']);
    expect(neither.code).toBe(2);
    expect(expectOneErrorLine(neither.stderr)).toContain('--all-calendars');
    const both = await run(['token', 'create', '--calendar', 'x', '--all-calendars']);
    expect(both.code).toBe(2);
    const noRef = await run(['token', 'revoke']);
    expect(noRef.code).toBe(2);
    const badId = await run(['token', 'revoke', '--id', 'abc']);
    expect(badId.code).toBe(2);

    const unknownCalendar = await run(['token', 'create', '--calendar', uniqueName('ghost')]);
    expect(unknownCalendar.code).toBe(1);
    expect(expectOneErrorLine(unknownCalendar.stderr)).toContain('unknown calendar');
  });
});
