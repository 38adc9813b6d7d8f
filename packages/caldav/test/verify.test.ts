import { closedPortUrl, makeCalendar, uniqueName, type CalDavUser } from '@roombook/testing';
import { describe, expect, inject, it } from 'vitest';

import { verifyCalendarCollection } from '../src/index.js';

describe('verifyCalendarCollection against Radicale', () => {
  const [rooms, alice] = inject('radicaleUsers') as [CalDavUser, CalDavUser];
  const base = inject('radicaleUrl');

  it('accepts a calendar collection with the right credentials and reads its display name', async () => {
    const name = uniqueName('verify');
    const url = await makeCalendar(base, rooms, name);
    expect(await verifyCalendarCollection({ url, ...rooms })).toEqual({ ok: true, displayName: name });
  });

  it('says the password is wrong, and never repeats it', async () => {
    const url = await makeCalendar(base, rooms, uniqueName('verify'));
    const result = await verifyCalendarCollection({ url, username: rooms.username, password: 'not-the-password-42' });
    expect(result).toMatchObject({ ok: false, problem: 'wrong-credentials' });
    expect(JSON.stringify(result)).not.toContain('not-the-password-42');
    expect(!result.ok && result.message).toMatch(/wrong user name or password/);
  });

  it('says when the user may not read the calendar', async () => {
    const url = await makeCalendar(base, alice, uniqueName('theirs'));
    expect(await verifyCalendarCollection({ url, ...rooms })).toMatchObject({ ok: false, problem: 'forbidden' });
  });

  it('says when there is no such collection', async () => {
    const url = new URL(`${rooms.username}/${uniqueName('missing')}/`, base).toString();
    const result = await verifyCalendarCollection({ url, ...rooms });
    expect(result).toMatchObject({ ok: false, problem: 'no-such-collection' });
    expect(!result.ok && result.message).toContain('check the URL');
  });

  it('says when the URL is a collection but not a calendar (the principal folder)', async () => {
    await makeCalendar(base, rooms, uniqueName('verify'));
    const url = new URL(`${rooms.username}/`, base).toString();
    const result = await verifyCalendarCollection({ url, ...rooms });
    expect(result).toMatchObject({ ok: false, problem: 'not-a-calendar' });
    expect(!result.ok && result.message).toContain('not a calendar');
  });

  it('says when nothing answers', async () => {
    const result = await verifyCalendarCollection({ url: await closedPortUrl(), ...rooms, timeoutMs: 5000 });
    expect(result).toMatchObject({ ok: false, problem: 'unreachable' });
  });
});
