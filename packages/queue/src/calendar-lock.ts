import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

import { DelayedError } from 'bullmq';
import type { Redis } from 'ioredis';

import { currentJobScope } from './job-scope.js';

/** Could not get the calendar's lock in time (outside a job only; a job is parked instead). */
export class CalendarBusyError extends Error {
  override name = 'CalendarBusyError';
}

/**
 * The holder can no longer prove it holds the calendar's lease (it expired, another worker took
 * it, or Redis could not confirm it). The job stops before its next write and retries.
 */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

/** A CalDAV write was attempted without holding that calendar's lock: a bug, never sent. */
export class UnfencedWriteError extends Error {
  override name = 'UnfencedWriteError';
}

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
/** Extend-and-check in one step: succeeds only while the key still holds our token. */
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

interface Lease {
  calendarId: number;
  /** Null while held; the reason once lost. Once lost, a lease never counts as held again. */
  lost: string | null;
  /** Writes the fence refused since the lease was lost. */
  refused: number;
  fence: () => Promise<void>;
  fenceAhead: () => void;
}

/**
 * How long before its write a confirmation sent by {@link fenceAhead} still counts as that write's
 * fence: far beyond the few milliseconds of the work it overlaps (a booking's owner row), far
 * below any lease, so the write still starts with the lease confirmed a moment before.
 */
const AHEAD_MS = 1000;

/** Looks at a busy lock (outside a job, and for waitInJobMs inside one): the first after 5 ms, each 1.25x later, at most every 50 ms. */
const RETRY_FIRST_DELAY_MS = 5;
const RETRY_MAX_DELAY_MS = 50;

const held = new AsyncLocalStorage<ReadonlyMap<number, Lease>>();

/**
 * Proves, right before a CalDAV write, that the caller still holds the calendar's lease, and
 * extends it (one atomic Lua call). Throws LeaseLostError when it cannot, UnfencedWriteError when
 * the caller never took the lock. The fenced CalDAV client calls this before every write.
 */
export async function fence(calendarId: number): Promise<void> {
  const lease = held.getStore()?.get(calendarId);
  if (!lease) throw new UnfencedWriteError(`refusing a CalDAV write to calendar ${calendarId} outside its calendar lock`);
  await lease.fence();
}

/**
 * Sends the next write's fence now, so its Redis round trip overlaps work that write must wait
 * for anyway (a booking's owner row in PostgreSQL, issue 9). That write's {@link fence} then
 * awaits this confirmation instead of sending its own, if it was sent at most AHEAD_MS before;
 * otherwise, and for every later write, the fence confirms the lease anew. Without the lock it
 * does nothing: the write's own fence refuses it.
 */
export function fenceAhead(calendarId: number): void {
  held.getStore()?.get(calendarId)?.fenceAhead();
}

export interface CalendarLockOptions {
  /**
   * Lease length. Each fence re-extends it to this, so it must exceed the longest CalDAV request
   * (the transport aborts at CALDAV_TIMEOUT_MS): a write that passed its fence then ends, one way
   * or the other, before the lease can run out and another worker start writing. Default 60 s.
   */
  leaseMs?: number;
  /** Outside a job only (tests, tools): how long to poll for a busy calendar. Default 60 s. */
  waitMs?: number;
  /** First delay of a job parked because its calendar is busy; doubles per wait, with jitter. Default 250 ms. */
  busyDelayMs?: number;
  /** Cap of that delay. Default 5 s. */
  maxBusyDelayMs?: number;
  /**
   * Inside a job, how long to look again (every few milliseconds) before parking it. Default 0:
   * park at once. Parking costs the job at least half of `busyDelayMs` however soon the holder is
   * done, so a lock whose holders are mostly short (a booking holds a calendar for tens of
   * milliseconds, a refresh its store) waits about as long as such a holder takes; a holder that
   * runs for minutes (a clear) still gets the jobs behind it parked.
   */
  waitInJobMs?: number;
  /** Observers for metrics and logs. */
  onWait?: (calendarId: number, delayMs: number) => void;
  onLeaseLost?: (calendarId: number, reason: string) => void;
}

/**
 * Serialises writes to one calendar across every worker process (design §4): a create, delete or
 * clear holds the calendar's lock for its whole read-plan-write cycle. A Redis lease (SET NX PX),
 * renewed while held, so a crashed worker frees the calendar after `leaseMs`; fenced, so that a
 * holder whose lease ran out (Redis failover, network split, a long pause) never writes again:
 * every write goes through {@link fence}, and a failed renewal marks the lease lost instead of
 * being ignored.
 *
 * Inside a BullMQ job a busy calendar does not hold the worker slot: the job is moved to the
 * delayed set (`moveToDelayed`, which does not count an attempt) and the processor ends with
 * DelayedError, so the slot runs other jobs meanwhile (after looking again for `waitInJobMs`, when
 * set). Outside a job it polls up to `waitMs`.
 */
export function createCalendarLock(redis: Redis, prefix: string, options: CalendarLockOptions = {}) {
  const leaseMs = options.leaseMs ?? 60_000;
  const waitMs = options.waitMs ?? 60_000;
  const busyDelayMs = options.busyDelayMs ?? 250;
  const maxBusyDelayMs = options.maxBusyDelayMs ?? 5_000;
  const waitInJobMs = options.waitInJobMs ?? 0;

  const acquire = (key: string, token: string) => redis.set(key, token, 'PX', leaseMs, 'NX').then((r) => r === 'OK');

  /** Looks again until `forMs` has passed: often at first (a short holder is gone in tens of ms), then less. */
  async function retryFor(key: string, token: string, forMs: number): Promise<boolean> {
    const deadline = performance.now() + forMs;
    let delay = RETRY_FIRST_DELAY_MS;
    while (performance.now() + delay <= deadline) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (await acquire(key, token)) return true;
      delay = Math.min(delay * 1.25, RETRY_MAX_DELAY_MS);
    }
    return false;
  }

  async function waitForLock(calendarId: number, key: string, token: string): Promise<void> {
    const scope = currentJobScope();
    if (scope?.token !== undefined) {
      if (waitInJobMs > 0 && (await retryFor(key, token, waitInJobMs))) return;
      const { job, token: jobToken } = scope;
      // attemptsStarted counts every activation, attemptsMade only real failures: the difference
      // is how often this job already found the calendar busy.
      const waits = Math.max(0, job.attemptsStarted - job.attemptsMade - 1);
      const base = Math.min(busyDelayMs * 2 ** Math.min(waits, 10), maxBusyDelayMs);
      const delay = Math.round(base / 2 + Math.random() * (base / 2));
      await job.moveToDelayed(Date.now() + delay, jobToken);
      options.onWait?.(calendarId, delay);
      throw new DelayedError(`calendar ${calendarId} is busy; job parked for ${delay} ms`);
    }
    if (!(await retryFor(key, token, waitMs))) throw new CalendarBusyError(`calendar ${calendarId} is busy with another job`);
  }

  return async function withCalendarLock<T>(calendarId: number, work: () => Promise<T>): Promise<T> {
    const key = `${prefix}:lock:calendar:${calendarId}`;
    const token = randomUUID();
    if (!(await acquire(key, token))) await waitForLock(calendarId, key, token);

    // A confirmation sent ahead of the next write (fenceAhead), used by that write only.
    let ahead: { sentAt: number; confirmed: Promise<void> } | null = null;
    const lease: Lease = {
      calendarId,
      lost: null,
      refused: 0,
      fenceAhead: () => {
        if (lease.lost === null) ahead = { sentAt: performance.now(), confirmed: extend('the lease could not be confirmed before a write') };
      },
      fence: async () => {
        const early = ahead;
        ahead = null;
        if (early && performance.now() - early.sentAt <= AHEAD_MS) await early.confirmed;
        else if (lease.lost === null) await extend('the lease could not be confirmed before a write');
        if (lease.lost !== null) {
          lease.refused++;
          throw lostError();
        }
      },
    };
    const lostError = () =>
      new LeaseLostError(`calendar ${calendarId}: lock lease lost (${lease.lost}); stopped before the next write`);
    const markLost = (reason: string) => {
      if (lease.lost !== null) return;
      lease.lost = reason;
      options.onLeaseLost?.(calendarId, reason);
    };
    // The worker connection queues commands while Redis is away instead of failing them, so an
    // answer that does not come within a third of the lease counts as a failure.
    const answerWithinMs = leaseMs / 3;
    async function extend(context: string): Promise<void> {
      let timer: NodeJS.Timeout | undefined;
      try {
        const extended = await Promise.race([
          redis.eval(EXTEND, 1, key, token, String(leaseMs)),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`Redis did not answer within ${answerWithinMs} ms`)), answerWithinMs);
          }),
        ]);
        if (extended !== 1) markLost('it expired or another worker holds it');
      } catch (error) {
        // Not knowing is treated as lost: the lease may have run out while Redis was unreachable.
        markLost(`${context}: ${(error as Error).message}`);
      } finally {
        clearTimeout(timer);
      }
    }
    let renewing = false;
    const renew = setInterval(() => {
      if (lease.lost !== null || renewing) return;
      renewing = true;
      void extend('renewal failed').finally(() => (renewing = false));
    }, leaseMs / 3);
    renew.unref();

    const leases = new Map(held.getStore() ?? []);
    leases.set(calendarId, lease);
    try {
      const result = await held.run(leases, work);
      // The work may have caught a refused write and carried on (a clear records per-object
      // failures): its result is then incomplete, and the job must retry, not report it.
      if (lease.refused > 0) throw lostError();
      return result;
    } catch (error) {
      throw lease.refused > 0 && !(error instanceof LeaseLostError) ? lostError() : error;
    } finally {
      clearInterval(renew);
      // Sent, not awaited (a round trip fewer per job, issue 9): Redis runs one connection's
      // commands in order, so what this connection sends next (the job's completion, which the
      // worker sends on it too, or the next acquire) lands after the release. A failed release
      // only leaves the lease to expire on its own. A caller that closes `redis` after this must
      // quit() it (QUIT goes out after the release), not disconnect() (which can drop it).
      void redis.eval(RELEASE, 1, key, token).catch(() => {});
    }
  };
}

export type CalendarLock = ReturnType<typeof createCalendarLock>;
