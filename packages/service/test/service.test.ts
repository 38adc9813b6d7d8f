import { createDatabase, createSecretBox, NotFoundError } from '@roombook/db';
import { makeCalendar, uniqueName, type CalDavUser } from '@roombook/testing';
import { afterAll, describe, expect, inject, it } from 'vitest';

import { HasDependentsError, TemplateInvalidError, VerificationError, calendarService, templateService, tokenService, userService } from '../src/index.js';

const handle = createDatabase(inject('databaseUrl'), { max: 2 });
afterAll(() => handle.close());
const secrets = createSecretBox('service-test-secret-key-0123');
const calendars = calendarService({ db: handle.db, secrets: () => secrets, caldavTimeoutMs: 5000 });
const users = userService({ db: handle.db });
const [rooms] = inject('radicaleUsers') as [CalDavUser];

describe('calendar service: the rules an admin API shares with the CLI', () => {
  it('refuses an unverifiable calendar with a machine-readable problem, and stores nothing', async () => {
    const slug = uniqueName('svc');
    const url = await makeCalendar(inject('radicaleUrl'), rooms, uniqueName('svc'));
    const attempt = calendars.create({ slug, url, username: rooms.username, password: 'wrong' }, { verify: true });
    await expect(attempt).rejects.toBeInstanceOf(VerificationError);
    await expect(attempt).rejects.toMatchObject({ problem: 'wrong-credentials' });
    await expect(calendars.delete(slug, { force: false })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('verifies only connection changes on update', async () => {
    const slug = uniqueName('svc');
    const { verified } = await calendars.create({ slug, url: 'http://127.0.0.1:9/nowhere/', username: 'u', password: 'p' }, { verify: false });
    expect(verified).toBe(false);
    expect((await calendars.update(slug, { horizonDays: 7 }, { verify: true })).verified).toBe(false);
    await expect(calendars.update(slug, { password: 'q' }, { verify: true })).rejects.toMatchObject({ problem: 'unreachable' });
  });

  it('lists what a deletion would take with it', async () => {
    const slug = uniqueName('svc');
    await calendars.create({ slug, url: 'http://127.0.0.1:9/nowhere/', username: 'u', password: 'p' }, { verify: false });
    const user = await users.create({ name: uniqueName('svc-user') });
    await calendars.grant(slug, user.name);
    const refusal = await calendars.delete(slug, { force: false }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(HasDependentsError);
    expect((refusal as HasDependentsError).dependents).toEqual([`1 user may book it (${user.name})`]);
    const userRefusal = await users.delete(user.name, { force: false }).catch((error: unknown) => error);
    expect((userRefusal as HasDependentsError).dependents).toEqual([`they have access to 1 calendar (${slug})`]);
    expect((await calendars.delete(slug, { force: true })).removed).toEqual([`1 user may book it (${user.name})`]);
    expect(await users.delete(user.name, { force: false })).toMatchObject({ keysDeleted: 0, removed: [] });
  });

  it('revoking a grant that does not exist names it', async () => {
    const slug = uniqueName('svc');
    await calendars.create({ slug, url: 'http://127.0.0.1:9/nowhere/', username: 'u', password: 'p' }, { verify: false });
    const user = await users.create({ name: uniqueName('svc-user') });
    await expect(calendars.revoke(slug, user.name, { force: false })).rejects.toThrow(`user "${user.name}" has no access to calendar "${slug}"`);
  });
});

describe('template and token services', () => {
  it('refuses an invalid template with its part and line and stores nothing', async () => {
    const templates = templateService({ db: handle.db });
    const name = uniqueName('tpl');
    const refusal = await templates.set({ name, subject: 'Hi', body: '<mjml>\n<mj-body>\n<mj-txt>x</mj-txt>\n</mj-body>\n</mjml>' }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(TemplateInvalidError);
    expect(refusal).toMatchObject({ part: 'body', line: 3 });
    await expect(templates.get(name)).rejects.toBeInstanceOf(NotFoundError);
    const draft = await templates.previewText({ subject: 'Lost: {{ name }}\n', body: '<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ organizer }}</mj-text></mj-column></mj-section></mj-body></mjml>' }, 'Europe/Berlin');
    expect(draft.subject).toMatch(/^Lost: \S/);
  });

  it('lists tokens without their text', async () => {
    const tokens = tokenService({ db: handle.db });
    const created = await tokens.create({ calendar: null, label: 'board' });
    const listed = (await tokens.list()).find((t) => t.id === created.id)!;
    expect(listed.tokenHint).toBe(`${created.token.slice(0, 9)}…`);
    expect(JSON.stringify(listed)).not.toContain(created.token);
  });
});
