import { describe, expect, inject, it } from 'vitest';

import { getObject, icsEvent, makeCalendar, putObject, uniqueName, type CalDavUser } from '@roombook/testing';

import { CalDavError, createCalDavClient, isRetryable } from '../src/index.js';

const event = (uid: string, summary = uid) =>
  icsEvent({ uid, summary, start: new Date('2030-07-01T10:00:00Z'), end: new Date('2030-07-01T11:00:00Z') });

async function setup(prefix: string) {
  const rooms: CalDavUser = inject('radicaleUsers')[0]!;
  const url = await makeCalendar(inject('radicaleUrl'), rooms, uniqueName(prefix));
  const client = createCalDavClient({ url, username: rooms.username, password: rooms.password });
  return { rooms, url, client };
}

async function rejection(promise: Promise<unknown>): Promise<CalDavError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CalDavError);
  return error as CalDavError;
}

describe('createObject', () => {
  it('creates with an ETag, and a second create of the same name is created:false', async () => {
    const { rooms, url, client } = await setup('create');
    const first = await client.createObject('booking-1.ics', event('booking-1'));
    expect(first).toEqual({ href: new URL('booking-1.ics', url).href, etag: expect.stringMatching(/^".+"$/), created: true });
    expect(await getObject(first.href, rooms)).toContain('UID:booking-1');

    // A retried job: nothing is overwritten, and the caller learns the stored ETag.
    const again = await client.createObject('booking-1.ics', event('booking-1', 'changed'));
    expect(again).toEqual({ href: first.href, etag: first.etag, created: false });
    expect(await getObject(first.href, rooms)).toContain('SUMMARY:booking-1');
  });

  it('percent-encodes file names and rejects ones that would leave the collection', async () => {
    const { rooms, client } = await setup('fname');
    const created = await client.createObject('a b@c.ics', event('spaced'));
    expect(created.href).toMatch(/\/a%20b%40c\.ics$/);
    expect(await getObject(created.href, rooms)).toContain('UID:spaced');
    await expect(client.createObject('../escape.ics', event('x'))).rejects.toThrow(TypeError);
    await expect(client.createObject('', event('x'))).rejects.toThrow(TypeError);
  });

  it('rejects invalid iCalendar as a permanent error', async () => {
    const { client } = await setup('invalid');
    const error = await rejection(client.createObject('bad.ics', 'not a calendar'));
    expect(error).toMatchObject({ status: 400, code: 'BAD_RESPONSE', retryable: false });
  });
});

describe('updateObject / deleteObject', () => {
  it('updates with the current ETag and returns the new one (Radicale answers 201)', async () => {
    const { rooms, client } = await setup('update');
    const created = await client.createObject('u.ics', event('u'));
    const updated = await client.updateObject({ href: created.href, etag: created.etag! }, event('u', 'cancelled'));
    expect(updated.etag).toMatch(/^".+"$/);
    expect(updated.etag).not.toBe(created.etag);
    expect((await client.fetchObject(created.href))?.etag).toBe(updated.etag);
    expect(await getObject(created.href, rooms)).toContain('SUMMARY:cancelled');
  });

  it('fails with PRECONDITION_FAILED (retryable) on a stale ETag, and leaves the object alone', async () => {
    const { rooms, url, client } = await setup('stale');
    const created = await client.createObject('s.ics', event('s'));
    await putObject(url, rooms, 's.ics', event('s', 'edited in Thunderbird'));

    const update = await rejection(client.updateObject({ href: created.href, etag: created.etag! }, event('s', 'ours')));
    expect(update).toMatchObject({ code: 'PRECONDITION_FAILED', status: 412, retryable: true, url: created.href });
    expect(isRetryable(update)).toBe(true);

    const remove = await rejection(client.deleteObject({ href: created.href, etag: created.etag! }));
    expect(remove).toMatchObject({ code: 'PRECONDITION_FAILED', status: 412, retryable: true });
    expect(await getObject(created.href, rooms)).toContain('SUMMARY:edited in Thunderbird');

    // The recovery path: re-fetch, then write with the fresh ETag.
    const fresh = await client.fetchObject(created.href);
    await client.deleteObject({ href: created.href, etag: fresh!.etag! });
    expect(await getObject(created.href, rooms)).toBeUndefined();
  });

  it('refuses to write or delete without an ETag', async () => {
    const { rooms, client } = await setup('noetag');
    const created = await client.createObject('n.ics', event('n'));
    await expect(client.updateObject({ href: created.href, etag: '' }, event('n', 'x'))).rejects.toThrow(TypeError);
    await expect(client.deleteObject({ href: created.href, etag: '' })).rejects.toThrow(TypeError);
    expect(await getObject(created.href, rooms)).toContain('SUMMARY:n');
  });

  it('deleting a missing object is NOT_FOUND, not retryable', async () => {
    const { url, client } = await setup('missing');
    const href = new URL('gone.ics', url).href;
    const error = await rejection(client.deleteObject({ href, etag: '"whatever"' }));
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404, retryable: false, url: href });
    expect(isRetryable(error)).toBe(false);
  });
});

describe('restoreObject', () => {
  it('puts the exact text back, byte for byte, and refuses to overwrite', async () => {
    const { rooms, url, client } = await setup('restore');
    // Written by another client, with a file name of its own.
    const href = await putObject(url, rooms, '{A1B2}.ics', event('restore-me', 'Team sync'));
    const [stored] = await client.fetchObjects();
    expect(stored?.href).toBe(href);
    const before = await getObject(href, rooms);
    // What an audit log records is what fetchObjects returned; it must be the server's exact text.
    expect(stored!.data).toBe(before);

    await client.deleteObject({ href, etag: stored!.etag! });
    expect(await getObject(href, rooms)).toBeUndefined();

    const restored = await client.restoreObject(href, stored!.data);
    expect(await getObject(href, rooms)).toBe(before);
    expect(restored.etag).toBe((await client.fetchObject(href))?.etag);

    const again = await rejection(client.restoreObject(href, stored!.data));
    expect(again).toMatchObject({ code: 'PRECONDITION_FAILED', status: 412 });
  });
});
