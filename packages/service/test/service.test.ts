import { createDatabase, createSecretBox, NotFoundError } from '@roombook/db';
import { makeCalendar, uniqueName, type CalDavUser } from '@roombook/testing';
import { afterAll, describe, expect, inject, it } from 'vitest';

import { HasDependentsError, VerificationError, calendarService, userService } from '../src/index.js';

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
