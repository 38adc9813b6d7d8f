import { afterAll, describe, expect, it } from 'vitest';

import {
  ConflictError,
  NotFoundError,
  createCalendarsRepository,
  createEmailTemplatesRepository,
  createPriorityTokensRepository,
  createSecretBox,
} from '@roombook/db';

import { SECRET_KEY, openDatabase, uniqueName } from './helpers.js';

const handle = openDatabase();
afterAll(() => handle.close());

describe('email templates repository', () => {
  const templates = createEmailTemplatesRepository(handle.db);

  it('upserts by name, keeping the id, and reads by name and id', async () => {
    const name = uniqueName('tpl');
    const first = await templates.upsert({ name, subject: 'one', body: '<mjml></mjml>' });
    expect(first).toMatchObject({ name, subject: 'one', created: true });
    const second = await templates.upsert({ name, subject: 'two', body: '<mjml>2</mjml>' });
    expect(second).toMatchObject({ id: first.id, subject: 'two', body: '<mjml>2</mjml>', created: false });
    expect(second.updatedAt.getTime()).toBeGreaterThanOrEqual(first.updatedAt.getTime());

    expect(await templates.getByName(name)).toMatchObject({ id: first.id, subject: 'two' });
    expect(await templates.getById(first.id)).toMatchObject({ name, body: '<mjml>2</mjml>' });
    expect(await templates.getByName(uniqueName('none'))).toBeUndefined();
    expect(await templates.getById(2_000_000_000)).toBeUndefined();
    await expect(templates.requireByName(uniqueName('none'))).rejects.toBeInstanceOf(NotFoundError);

    const listed = await templates.list();
    const entry = listed.find((t) => t.name === name);
    expect(entry).toEqual({ id: first.id, name, subject: 'two', updatedAt: second.updatedAt });
  });
});

describe('priority tokens repository', () => {
  const tokens = createPriorityTokensRepository(handle.db);
  const calendars = createCalendarsRepository(handle.db, createSecretBox(SECRET_KEY));

  it('creates, lists, revokes and answers activeFor', async () => {
    const slug = uniqueName('repo-room');
    const room = await calendars.create({ slug, url: 'https://dav.example.org/r/', username: 'u', password: 'p' });
    const created = await tokens.create({ calendarId: room.id, label: 'lbl' });
    expect(created).toMatchObject({ calendar: slug, label: 'lbl', active: true, revokedAt: null });
    expect(created.token).toMatch(/^prio-[A-Za-z0-9_-]{20}$/);
    expect((await tokens.list()).find((t) => t.id === created.id)).toEqual(created);
    expect(await tokens.activeFor(room.id)).toContain(created.token);

    const revoked = await tokens.revoke({ token: created.token });
    expect(revoked).toMatchObject({ id: created.id, active: false });
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect(await tokens.activeFor(room.id)).not.toContain(created.token);
    await expect(tokens.revoke({ id: created.id })).rejects.toBeInstanceOf(ConflictError);
    await expect(tokens.revoke({ id: 2_000_000_000 })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('drops a calendar token with its calendar', async () => {
    const room = await calendars.create({ slug: uniqueName('gone'), url: 'https://dav.example.org/g/', username: 'u', password: 'p' });
    const created = await tokens.create({ calendarId: room.id });
    await handle.db.execute(`delete from calendars where id = ${room.id}`);
    expect((await tokens.list()).some((t) => t.id === created.id)).toBe(false);
  });
});
