import type {} from '@roombook/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';

import { CalendarBusyError, createCalendarLock } from '../src/calendar-lock.js';

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
