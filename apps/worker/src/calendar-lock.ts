import { randomUUID } from 'node:crypto';

import type { Redis } from 'ioredis';

/** Could not get the calendar's lock in time; the job retries later (a transient condition). */
export class CalendarBusyError extends Error {
  override name = 'CalendarBusyError';
}

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/**
 * Serialises writes to one calendar across every worker process (design §4): a create, delete or
 * clear holds the calendar's lock for its whole read-plan-write cycle, so a clear never plans on
 * a calendar another job is changing. A Redis lease (SET NX PX) that is renewed while held, so a
 * crashed worker frees the calendar after `leaseMs`.
 */
export function createCalendarLock(redis: Redis, prefix: string, options: { leaseMs?: number; waitMs?: number } = {}) {
  const leaseMs = options.leaseMs ?? 30_000;
  const waitMs = options.waitMs ?? 60_000;

  return async function withCalendarLock<T>(calendarId: number, work: () => Promise<T>): Promise<T> {
    const key = `${prefix}:lock:calendar:${calendarId}`;
    const token = randomUUID();
    const deadline = Date.now() + waitMs;
    let delay = 25;
    while ((await redis.set(key, token, 'PX', leaseMs, 'NX')) !== 'OK') {
      if (Date.now() > deadline) throw new CalendarBusyError(`calendar ${calendarId} is busy with another job`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 500);
    }
    const renew = setInterval(() => {
      redis.eval(EXTEND, 1, key, token, String(leaseMs)).catch(() => {});
    }, leaseMs / 3);
    try {
      return await work();
    } finally {
      clearInterval(renew);
      await redis.eval(RELEASE, 1, key, token).catch(() => {});
    }
  };
}

export type CalendarLock = ReturnType<typeof createCalendarLock>;
