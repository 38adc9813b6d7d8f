import { afterAll, describe, expect, inject, it } from 'vitest';

import { createCalDavClient } from '@roombook/caldav';
import { createAuditLogRepository, createCalendarsRepository, createSecretBox } from '@roombook/db';
import { createCalendarLock, createWorkerConnection } from '@roombook/queue';
import { CalendarBusyError, auditService } from '@roombook/service';
import {
  closedPortUrl,
  getObject,
  icsEvent,
  makeCalendar,
  putObject,
  uniqueName,
  type CalDavUser,
} from '@roombook/testing';

import type { RestoreResult } from '@roombook/service';
import { SECRET_KEY, cliQueuePrefix, expectOneErrorLine, openDatabase, run, runJson } from './helpers.js';

const handle = openDatabase();
afterAll(() => handle.close());

const audit = createAuditLogRepository(handle.db);
const calendars = createCalendarsRepository(handle.db, createSecretBox(SECRET_KEY));
const rooms: CalDavUser = inject('radicaleUsers').find((u) => u.username === 'rooms')!;

type Restored = RestoreResult;

/** An event with a recognisable summary, so tests can tell versions apart. */
const event = (uid: string, summary: string) =>
  icsEvent({ uid, summary, start: new Date('2031-03-03T09:00:00Z'), end: new Date('2031-03-03T10:00:00Z') });

/** A Radicale collection, the calendar row pointing at it, and one booking in it. */
async function room(password = rooms.password) {
  const collection = await makeCalendar(inject('radicaleUrl'), rooms, uniqueName('restore'));
  const calendar = await calendars.create({ slug: uniqueName('restore'), url: collection, username: rooms.username, password });
  const client = createCalDavClient({ url: collection, username: rooms.username, password: rooms.password });
  const uid = uniqueName('booking');
  const href = await putObject(collection, rooms, `${uid}.ics`, event(uid, 'original'));
  return { collection, calendar, client, uid, href };
}

type Room = Awaited<ReturnType<typeof room>>;

/** What the worker does for a delete job: read, record the text, DELETE with If-Match. */
async function deleteAsWorker({ calendar, client, uid }: Room) {
  const found = await client.findByUid(uid);
  if (!found?.etag) throw new Error(`${uid} not found with an ETag`);
  const entry = await audit.record({
    calendarId: calendar.id, uid, recurrenceId: null, action: 'deleted', href: found.href, previousIcal: found.data, jobId: 'job-del', userId: null,
  });
  await client.deleteObject({ href: found.href, etag: found.etag });
  return entry;
}

/** What the worker does for a clear that declines an occurrence: read, record, PUT If-Match, store the new ETag. */
async function editAsWorker({ calendar, client, uid }: Room, opts: { keepEtag?: boolean; action?: string } = {}) {
  const found = await client.findByUid(uid);
  if (!found?.etag) throw new Error(`${uid} not found with an ETag`);
  const entry = await audit.record({
    calendarId: calendar.id, uid, recurrenceId: '20310303T090000Z', action: opts.action ?? 'declined', href: found.href, previousIcal: found.data, jobId: 'job-clear',
  });
  const written = await client.updateObject({ href: found.href, etag: found.etag }, event(uid, 'declined by the room'));
  if (opts.keepEtag !== false) await audit.setEtagAfter(entry.id, written.etag);
  return entry;
}

describe('audit restore: deleted objects', () => {
  it('puts the deleted object back byte for byte and records the restore', async () => {
    const r = await room();
    const before = await getObject(r.href, rooms);
    const entry = await deleteAsWorker(r);
    expect(await getObject(r.href, rooms)).toBeUndefined();

    const result = await run(['audit', 'restore', String(entry.id)]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(new RegExp(`^restored ${r.uid} in ${r.calendar.slug} \\(entry ${entry.id}\\)`));
    expect(await getObject(r.href, rooms)).toBe(before);

    const [restore] = await audit.list({ calendarId: r.calendar.id, limit: 1 });
    expect(restore).toMatchObject({ action: 'restored', uid: r.uid, href: entry.href, jobId: null });
    const stored = await audit.require(restore!.id);
    expect(stored).toMatchObject({ previousIcal: '', userId: null, recurrenceId: null });
    expect(stored.etagAfter).toBe((await r.client.fetchObject(r.href))?.etag);
  });

  it('prints JSON, and refuses a second restore because the object exists (and leaves it alone)', async () => {
    const r = await room();
    const entry = await deleteAsWorker(r);
    const restored = await runJson<Restored>(['audit', 'restore', String(entry.id)]);
    const onServer = await r.client.fetchObject(r.href);
    expect(restored).toEqual({
      id: entry.id, uid: r.uid, calendar: r.calendar.slug, href: entry.href, action: 'deleted',
      etag: onServer?.etag, auditId: expect.any(Number), method: 'recreated',
    });

    // Someone edits the restored booking; a second restore must not undo that.
    await putObject(r.collection, rooms, `${r.uid}.ics`, event(r.uid, 'edited after the restore'));
    const again = await run(['audit', 'restore', String(entry.id)]);
    expect(again.code).toBe(1);
    const line = expectOneErrorLine(again.stderr);
    expect(line).toContain(`not restoring entry ${entry.id}`);
    expect(line).toContain('exists');
    expect(line).toContain('not touched');
    expect(line).toContain(`audit entry ${restored.auditId} restored it`);
    expect(await getObject(r.href, rooms)).toContain('SUMMARY:edited after the restore');
    // Nothing was recorded for the refused attempt.
    expect((await audit.list({ calendarId: r.calendar.id })).filter((e) => e.action === 'restored')).toHaveLength(1);
  });

  it('refuses to restore a restore', async () => {
    const r = await room();
    const entry = await deleteAsWorker(r);
    const { auditId } = await runJson<Restored>(['audit', 'restore', String(entry.id)]);
    const result = await run(['audit', 'restore', String(auditId)]);
    expect(result.code).toBe(1);
    expect(expectOneErrorLine(result.stderr)).toContain(`audit entry ${auditId} records a restore, which cannot be restored`);
  });

  it('refuses a failed entry (its change never took effect) and lists entries with their state', async () => {
    const r = await room();
    const before = await getObject(r.href, rooms);
    const entry = await deleteAsWorker(r);
    await audit.markApplied(entry.id, null);
    const other = await audit.record({
      calendarId: r.calendar.id, uid: r.uid, recurrenceId: null, action: 'deleted', href: r.href, previousIcal: before!, jobId: 'job-x', userId: null,
    });
    await audit.markFailed(other.id, 'the object changed on the server since; our write is not in effect');
    const result = await run(['audit', 'restore', String(other.id)]);
    expect(result.code).toBe(1);
    expect(expectOneErrorLine(result.stderr)).toContain(`audit entry ${other.id} is failed: its change never took effect (the object changed on the server since`);
    expect(await getObject(r.href, rooms)).toBeUndefined();
    const listed = await runJson<{ id: number; state: string }[]>(['audit', 'list', '--calendar', r.calendar.slug]);
    expect(listed.map((e) => [e.id, e.state])).toEqual([[other.id, 'failed'], [entry.id, 'applied']]);
    const text = await run(['audit', 'list', '--calendar', r.calendar.slug]);
    expect(text.stdout).toMatch(/\bSTATE\b/);
    expect(text.stdout).toMatch(new RegExp(`${other.id}\\s.*\\sfailed`));
  });
});

describe('audit restore: edits', () => {
  it('reverts an edit nobody changed since, recording the edited text it replaced', async () => {
    const r = await room();
    const before = await getObject(r.href, rooms);
    const entry = await editAsWorker(r);
    const edited = await getObject(r.href, rooms);
    expect(edited).toContain('SUMMARY:declined by the room');

    const restored = await runJson<Restored>(['audit', 'restore', String(entry.id)]);
    expect(restored).toMatchObject({ id: entry.id, action: 'declined', method: 'reverted', etag: expect.stringMatching(/^".+"$/) });
    expect(await getObject(r.href, rooms)).toBe(before);
    const record = await audit.require(restored.auditId);
    expect(record).toMatchObject({ action: 'restored', recurrenceId: '20310303T090000Z', previousIcal: edited, etagAfter: restored.etag });

    // The object now carries the restore's ETag, not the edit's: a second restore is refused.
    const again = await run(['audit', 'restore', String(entry.id)]);
    expect(again.code).toBe(1);
    expect(expectOneErrorLine(again.stderr)).toContain(`changed since (ETag ${restored.etag}`);
  });

  it.each(['cancelled', 'edited'])('reverts a %s entry the same way', async (action) => {
    const r = await room();
    const before = await getObject(r.href, rooms);
    const entry = await editAsWorker(r, { action });
    const result = await run(['audit', 'restore', String(entry.id)]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(action === 'edited' ? 'reverted the edit;' : `reverted the ${action} edit;`);
    expect(await getObject(r.href, rooms)).toBe(before);
  });

  it('refuses when someone wrote a newer version since, and leaves that version alone', async () => {
    const r = await room();
    const entry = await editAsWorker(r);
    await putObject(r.collection, rooms, `${r.uid}.ics`, event(r.uid, 'rebooked in Thunderbird'));
    const newer = await getObject(r.href, rooms);
    const current = await r.client.fetchObject(r.href);

    const result = await run(['audit', 'restore', String(entry.id)]);
    expect(result.code).toBe(1);
    const line = expectOneErrorLine(result.stderr);
    expect(line).toContain(`${r.uid} in ${r.calendar.slug} changed since (ETag ${current!.etag}`);
    expect(line).toContain('not overwritten');
    expect(await getObject(r.href, rooms)).toBe(newer);
    // --force is only about a missing ETag; it never overrides a known newer version.
    expect((await run(['audit', 'restore', String(entry.id), '--force'])).code).toBe(1);
    expect(await getObject(r.href, rooms)).toBe(newer);
  });

  it('re-creates an edited object that has been deleted since', async () => {
    const r = await room();
    const before = await getObject(r.href, rooms);
    const entry = await editAsWorker(r);
    const edited = await r.client.fetchObject(r.href);
    await r.client.deleteObject({ href: edited!.href, etag: edited!.etag! });

    const restored = await runJson<Restored>(['audit', 'restore', String(entry.id)]);
    expect(restored).toMatchObject({ method: 'recreated', action: 'declined' });
    expect(await getObject(r.href, rooms)).toBe(before);
    expect((await audit.require(restored.auditId)).previousIcal).toBe('');
  });

  it('without the ETag of the edit, refuses unless --force is given', async () => {
    const r = await room();
    const before = await getObject(r.href, rooms);
    const entry = await editAsWorker(r, { keepEtag: false });

    const refused = await run(['audit', 'restore', String(entry.id)]);
    expect(refused.code).toBe(1);
    const line = expectOneErrorLine(refused.stderr);
    expect(line).toContain('gave no ETag');
    expect(line).toContain('--force');
    expect(await getObject(r.href, rooms)).toContain('SUMMARY:declined by the room');

    const forced = await run(['audit', 'restore', String(entry.id), '--force']);
    expect(forced).toMatchObject({ code: 0, stderr: '' });
    expect(forced.stdout).toContain('reverted the declined edit');
    expect(await getObject(r.href, rooms)).toBe(before);
  });
});

describe('audit restore: failures', () => {
  it('exits 1 for an unknown entry and 2 for an id that is not one', async () => {
    const unknown = await run(['audit', 'restore', '2147483647']);
    expect(unknown.code).toBe(1);
    expect(expectOneErrorLine(unknown.stderr)).toContain('no audit entry 2147483647');
    const bad = await run(['audit', 'restore', 'abc']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Expected a whole number');
    const missing = await run(['audit', 'restore']);
    expect(missing.code).toBe(2);
  });

  it('needs SECRET_KEY, and says so before connecting anywhere', async () => {
    const result = await run(['audit', 'restore', '1'], { SECRET_KEY: undefined, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x' });
    expect(result.code).toBe(1);
    expect(expectOneErrorLine(result.stderr)).toContain('SECRET_KEY is not set');
  });

  it('reports an unreachable CalDAV server in one line, records nothing, and never prints the password', async () => {
    const password = 'caldav-secret-pw-4711';
    const url = await closedPortUrl();
    const calendar = await calendars.create({ slug: uniqueName('down'), url, username: 'rooms', password });
    const entry = await audit.record({
      calendarId: calendar.id, uid: 'gone', action: 'deleted', href: new URL('gone.ics', url).href, previousIcal: event('gone', 'x'),
    });
    const result = await run(['audit', 'restore', String(entry.id)]);
    expect(result.code).toBe(1);
    const line = expectOneErrorLine(result.stderr);
    expect(line).toContain(`cannot restore entry ${entry.id} (gone in ${calendar.slug}): CalDAV:`);
    expect(line).toContain('ECONNREFUSED');
    expect(result.stderr).not.toContain(password);
    expect(await audit.list({ calendarId: calendar.id })).toHaveLength(1);
  });

  it('reports rejected credentials in one line without the password', async () => {
    const wrong = 'not-the-rooms-password';
    const r = await room(wrong);
    const entry = await deleteAsWorker(r);
    const result = await run(['audit', 'restore', String(entry.id)]);
    expect(result.code).toBe(1);
    expect(expectOneErrorLine(result.stderr)).toMatch(/CalDAV: PUT \S+ .*401/);
    expect(result.stderr).not.toContain(wrong);
    expect(await getObject(r.href, rooms)).toBeUndefined();
  });

  it('says so when the calendar password was stored with another SECRET_KEY', async () => {
    const r = await room();
    const entry = await deleteAsWorker(r);
    const result = await run(['audit', 'restore', String(entry.id)], { SECRET_KEY: 'another-secret-key-987654321' });
    expect(result.code).toBe(1);
    expect(expectOneErrorLine(result.stderr)).toContain(`calendar ${r.calendar.slug}: cannot decrypt secret`);
  });
});

describe('audit restore: the calendar lock (shared with the worker)', () => {
  const redis = createWorkerConnection(inject('redisUrl'));
  afterAll(() => redis.disconnect());
  // A worker's lock on the same calendar: same Redis, same QUEUE_PREFIX as the commands run with.
  const worker = createCalendarLock(redis, cliQueuePrefix);

  /** Holds the calendar's lock as a worker job does until `release` is called; resolves once it holds it. */
  async function holdLock(calendarId: number) {
    let release!: () => void;
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const done = worker(calendarId, async () => {
      holding();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await held;
    return { release: () => { release(); return done; } };
  }

  it('waits while a worker job holds the calendar and writes only after it let go', async () => {
    const r = await room();
    const entry = await deleteAsWorker(r);
    const lock = await holdLock(r.calendar.id);
    const restoring = run(['audit', 'restore', String(entry.id)]);
    let finished = false;
    void restoring.then(() => (finished = true));
    // While the job holds the calendar the restore neither writes nor records anything.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(finished).toBe(false);
    expect(await getObject(r.href, rooms)).toBeUndefined();
    expect((await audit.list({ calendarId: r.calendar.id })).map((e) => e.action)).toEqual(['deleted']);
    await lock.release();
    const result = await restoring;
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(await getObject(r.href, rooms)).toContain('SUMMARY:original');
    expect((await audit.list({ calendarId: r.calendar.id })).map((e) => e.action)).toEqual(['restored', 'deleted']);
    // The command let go of the calendar before it exited: a worker is not kept waiting for the lease.
    expect(await redis.exists(`${cliQueuePrefix}:lock:calendar:${r.calendar.id}`)).toBe(0);
  });

  it('gives up with a clear error when the calendar stays busy, and changes nothing', async () => {
    const r = await room();
    const entry = await deleteAsWorker(r);
    const lock = await holdLock(r.calendar.id);
    try {
      const service = auditService({
        db: handle.db,
        secrets: () => createSecretBox(SECRET_KEY),
        calendarLock: { redis: async () => redis, prefix: cliQueuePrefix, waitMs: 300 },
      });
      const refused = service.restore(entry.id, { force: false });
      await expect(refused).rejects.toBeInstanceOf(CalendarBusyError);
      await expect(refused).rejects.toThrow(`calendar "${r.calendar.slug}" stayed busy`);
      expect(await getObject(r.href, rooms)).toBeUndefined();
      expect((await audit.list({ calendarId: r.calendar.id })).map((e) => e.action)).toEqual(['deleted']);
    } finally {
      await lock.release();
    }
  });

  it('fails in one line when Redis cannot be reached, and writes nothing', async () => {
    const r = await room();
    const entry = await deleteAsWorker(r);
    const result = await run(['audit', 'restore', String(entry.id)], { REDIS_URL: `redis://127.0.0.1:${new URL(await closedPortUrl()).port}` });
    expect(result.code).toBe(1);
    expect(expectOneErrorLine(result.stderr)).toContain(`cannot take calendar "${r.calendar.slug}"'s write lock (Redis:`);
    expect(await getObject(r.href, rooms)).toBeUndefined();
  });
});
