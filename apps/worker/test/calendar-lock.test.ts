import { createCalDavClient, fencedClient } from '@roombook/caldav';
import { CalendarBusyError, LeaseLostError, UnfencedWriteError, createCalendarLock, fence, fenceAhead } from '@roombook/queue';
import { getObject, icsEvent, makeCalendar, uniqueName } from '@roombook/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';

describe('per-calendar lock (real Redis)', () => {
  const redis = new Redis(inject('redisUrl'));
  const prefix = `${inject('runId')}-lock-${Math.random().toString(36).slice(2)}`;
  afterAll(() => redis.disconnect());

  it('runs work on one calendar strictly one after another, other calendars in parallel', async () => {
    const lock = createCalendarLock(redis, prefix);
    const log: string[] = [];
    const work = (name: string, ms: number) => async () => {
      log.push(`${name}:start`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`${name}:end`);
    };
    await Promise.all([lock(1, work('a', 80)), lock(1, work('b', 10)), lock(2, work('c', 10))]);
    const a = log.indexOf('a:start');
    const b = log.indexOf('b:start');
    const [first, second] = a < b ? ['a', 'b'] : ['b', 'a'];
    expect(log.indexOf(`${first}:end`)).toBeLessThan(log.indexOf(`${second}:start`));
    // calendar 2 did not wait for calendar 1
    expect(log.indexOf('c:end')).toBeLessThan(log.indexOf(`${second}:end`));
  });

  it('releases the lock when the work throws', async () => {
    const lock = createCalendarLock(redis, prefix);
    await expect(lock(3, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    await expect(lock(3, async () => 'next')).resolves.toBe('next');
  });

  it('gives up with CalendarBusyError when the calendar stays busy, and a crashed holder expires', async () => {
    const holder = createCalendarLock(redis, prefix, { leaseMs: 300 });
    const impatient = createCalendarLock(redis, prefix, { waitMs: 50 });
    let release!: () => void;
    const held = holder(4, () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 20));
    await expect(impatient(4, async () => 'never')).rejects.toBeInstanceOf(CalendarBusyError);
    release();
    await held;
    // a lease left by a crashed worker (no renewal) frees the calendar after leaseMs
    await redis.set(`${prefix}:lock:calendar:5`, 'crashed-worker', 'PX', 200);
    const patient = createCalendarLock(redis, prefix, { waitMs: 2000 });
    await expect(patient(5, async () => 'after expiry')).resolves.toBe('after expiry');
  });
});

/**
 * Fencing against a real Radicale: every write first proves the lease is still ours. The CalDAV
 * client's request observer records what really went over the wire.
 */
describe('fenced writes (real Redis, real Radicale)', () => {
  const redis = new Redis(inject('redisUrl'));
  const prefix = `${inject('runId')}-fence-${Math.random().toString(36).slice(2)}`;
  const [rooms] = inject('radicaleUsers');
  afterAll(() => redis.disconnect());

  const start = new Date(Date.now() + 5 * 86_400_000);
  const event = (uid: string) => icsEvent({ uid, start, end: new Date(start.getTime() + 3_600_000) });

  async function calendarClient(calendarId: number) {
    const url = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('fence'));
    const sent: string[] = [];
    const raw = createCalDavClient({
      url, username: rooms!.username, password: rooms!.password,
      onRequest: (method, status) => sent.push(`${method} ${status}`),
    });
    return { url, sent, client: fencedClient(raw, () => fence(calendarId)) };
  }

  it('refuses the next write once another holder has the lease, sends nothing, and fails the work', async () => {
    const calendarId = 101;
    const lock = createCalendarLock(redis, prefix, { leaseMs: 5000 });
    const { url, sent, client } = await calendarClient(calendarId);
    let refused: unknown;
    const run = lock(calendarId, async () => {
      await client.createObject('first.ics', event('first'));
      // A Redis failover without our key, then another worker: the lease now names someone else.
      await redis.set(`${prefix}:lock:calendar:${calendarId}`, 'another-worker', 'PX', 5000);
      try {
        await client.createObject('second.ics', event('second'));
      } catch (error) {
        refused = error; // swallowed, as a clear records a per-object failure and goes on
      }
      return 'result that must not count';
    });
    await expect(run).rejects.toBeInstanceOf(LeaseLostError);
    expect(refused).toBeInstanceOf(LeaseLostError);
    expect(sent.filter((r) => r.startsWith('PUT'))).toEqual(['PUT 201']);
    expect(await getObject(new URL('first.ics', url).href, rooms!)).toContain('UID:first');
    expect(await getObject(new URL('second.ics', url).href, rooms!)).toBeUndefined();
    // the other holder's lease is left alone
    expect(await redis.get(`${prefix}:lock:calendar:${calendarId}`)).toBe('another-worker');
  });

  it('marks the lease lost when a renewal fails, and keeps it lost even if the key is free again', async () => {
    const calendarId = 102;
    const lost: string[] = [];
    const lock = createCalendarLock(redis, prefix, { leaseMs: 300, onLeaseLost: (_id, reason) => lost.push(reason) });
    const { sent, client } = await calendarClient(calendarId);
    const key = `${prefix}:lock:calendar:${calendarId}`;
    const run = lock(calendarId, async () => {
      await redis.set(key, 'another-worker', 'PX', 5000);
      // the renewal every leaseMs/3 finds the key taken
      for (let i = 0; i < 100 && lost.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      await redis.del(key);
      await client.createObject('late.ics', event('late'));
    });
    await expect(run).rejects.toBeInstanceOf(LeaseLostError);
    expect(lost).toEqual(['it expired or another worker holds it']);
    expect(sent).toEqual([]);
  });

  it('a fence sent ahead covers the next write only; the write after it confirms the lease anew', async () => {
    const calendarId = 105;
    const lock = createCalendarLock(redis, prefix, { leaseMs: 5000 });
    const { url, sent, client } = await calendarClient(calendarId);
    const key = `${prefix}:lock:calendar:${calendarId}`;
    const run = lock(calendarId, async () => {
      fenceAhead(calendarId);
      await client.createObject('ahead.ics', event('ahead'));
      // Another worker takes the calendar; the next write does not lean on the confirmation above.
      await redis.set(key, 'another-worker', 'PX', 5000);
      await client.createObject('after.ics', event('after'));
    });
    await expect(run).rejects.toBeInstanceOf(LeaseLostError);
    expect(sent.filter((r) => r.startsWith('PUT'))).toEqual(['PUT 201']);
    expect(await getObject(new URL('ahead.ics', url).href, rooms!)).toContain('UID:ahead');
    expect(await getObject(new URL('after.ics', url).href, rooms!)).toBeUndefined();
  });

  it('a fence sent ahead long before its write does not count: the write confirms the lease itself', async () => {
    const calendarId = 106;
    const lock = createCalendarLock(redis, prefix, { leaseMs: 5000 });
    const { sent, client } = await calendarClient(calendarId);
    const run = lock(calendarId, async () => {
      fenceAhead(calendarId); // confirmed while the lease is ours…
      await new Promise((resolve) => setTimeout(resolve, 1200));
      // …but more than a second ago; meanwhile another worker took the calendar
      await redis.set(`${prefix}:lock:calendar:${calendarId}`, 'another-worker', 'PX', 5000);
      await client.createObject('late.ics', event('late'));
    });
    await expect(run).rejects.toBeInstanceOf(LeaseLostError);
    expect(sent).toEqual([]);
  });

  it('refuses a write outside the calendar lock without sending it', async () => {
    const { sent, client } = await calendarClient(103);
    await expect(client.createObject('unlocked.ics', event('unlocked'))).rejects.toBeInstanceOf(UnfencedWriteError);
    // a lock on another calendar does not cover this one
    const lock = createCalendarLock(redis, prefix);
    await expect(lock(104, () => client.createObject('other.ics', event('other')))).rejects.toBeInstanceOf(UnfencedWriteError);
    expect(sent).toEqual([]);
  });
});
