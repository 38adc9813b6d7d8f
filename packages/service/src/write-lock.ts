import { CalendarBusyError as LockBusyError, createCalendarLock, leaseMsFor } from '@roombook/queue';

import { CalendarBusyError, LockUnavailableError } from './errors.js';

/** The Redis connection type the worker's lock takes (ioredis), without a dependency of our own on it. */
type LockRedis = Parameters<typeof createCalendarLock>[0];

/** How long an administrator's write waits for a calendar a worker job is writing (a clear takes seconds). */
export const DEFAULT_LOCK_WAIT_MS = 30_000;

/** Where the workers' calendar locks are: the same Redis and QUEUE_PREFIX, so the lock is the same key. */
export interface CalendarLockDeps {
  /** The workers' Redis, connected when first needed (only restores ask for it). */
  redis: () => Promise<LockRedis>;
  prefix: string;
  /** How long to wait for a busy calendar before giving up; default {@link DEFAULT_LOCK_WAIT_MS}. */
  waitMs?: number | undefined;
}

/**
 * Runs an administrator's CalDAV write to one calendar under the worker's calendar lock (design
 * §4: writes to one calendar never interleave), with the worker's lease length for the same
 * CalDAV timeout. `work` gets the fence its client must pass before each write (see
 * `fencedClient`). A calendar still busy after `waitMs` is CalendarBusyError; Redis out of
 * reach is LockUnavailableError. Either way `work` never ran.
 */
export async function withCalendarWriteLock<T>(
  deps: CalendarLockDeps | undefined,
  calendar: { id: number; slug: string },
  caldavTimeoutMs: number,
  work: () => Promise<T>,
): Promise<T> {
  if (!deps) throw new LockUnavailableError(`calendar "${calendar.slug}": no Redis to take its write lock with; nothing was written`);
  const waitMs = deps.waitMs ?? DEFAULT_LOCK_WAIT_MS;
  let started = false;
  try {
    const lock = createCalendarLock(await deps.redis(), deps.prefix, { leaseMs: leaseMsFor(caldavTimeoutMs), waitMs });
    return await lock(calendar.id, () => {
      started = true;
      return work();
    });
  } catch (error) {
    if (started) throw error;
    if (error instanceof LockBusyError) {
      throw new CalendarBusyError(
        `calendar "${calendar.slug}" stayed busy for ${Math.round(waitMs / 1000)} s (a worker job is writing it); nothing was written, try again in a minute`,
      );
    }
    throw new LockUnavailableError(`cannot take calendar "${calendar.slug}"'s write lock (Redis: ${(error as Error).message}); nothing was written`);
  }
}
