import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';

/**
 * Takes `size` consecutive counts of the window at once; starts the window on its first count.
 * Returns the last count taken and the window's remaining time in ms.
 */
const LEASE = `
local current = redis.call('INCRBY', KEYS[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {current, ttl}
`;

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** Counts numbered `next`..`last` of the window ending at `resetAt` (this process's clock) are ours to hand out. */
interface Lease {
  next: number;
  last: number;
  resetAt: number;
}

/** Leases kept per process before the expired ones are swept out. */
const SWEEP_AT = 10_000;

/** The connection with LEASE defined on it (ioredis adds defined commands at run time, untyped). */
interface LeasingRedis {
  rateLimitLease(key: string, windowMs: number, size: number): Promise<[number, number]>;
}

/**
 * A @fastify/rate-limit store on Redis that takes counts in leases of `leaseSize(max)` (1 % of the
 * limit) instead of one Redis script per request: the per-key job limit ran one on every booking
 * (issue 9). Every count is still numbered by Redis, so no window ever admits more than `max`
 * requests across all API processes; what a lease costs is fairness: counts another process has
 * leased and not yet used are not available here, so a key may be refused up to
 * (processes − 1) × (leaseSize − 1) requests before its limit (2 per other process at the default
 * 300 a minute), and x-ratelimit-remaining is off by as much. A limit under 200 leases one count
 * at a time: the same one script per request as @fastify/rate-limit's own Redis store. A key over
 * its limit is answered from its lease until the window ends, without asking Redis again.
 *
 * Hand-written: @fastify/rate-limit's stores count one request per round trip (RedisStore) or per
 * process only (LocalStore); none leases.
 */
export function leasedRedisStore(redis: Redis, nameSpace: string): FastifyRateLimitStoreCtor {
  if (!('rateLimitLease' in redis)) redis.defineCommand('rateLimitLease', { numberOfKeys: 1, lua: LEASE });
  const leasing = redis as unknown as LeasingRedis;

  class LeasedRedisStore implements FastifyRateLimitStore {
    private readonly leases = new Map<string, Lease>();
    private readonly leasing = new Map<string, Promise<void>>();

    /** @fastify/rate-limit constructs it with its options, which it does not need. */
    constructor(_options?: unknown, private readonly prefix = nameSpace) {}

    incr(key: string, callback: Callback, timeWindow: number, max: number): void {
      const id = this.prefix + key;
      const now = Date.now();
      const lease = this.leases.get(id);
      if (lease && now < lease.resetAt) {
        if (lease.next <= lease.last) return callback(null, { current: lease.next++, ttl: lease.resetAt - now });
        // Used up, and the window's counts had passed the limit: no count of this window can be had.
        if (lease.last > max) return callback(null, { current: lease.last + 1, ttl: lease.resetAt - now });
      }
      const size = leaseSize(max);
      const pending = size > 1 ? this.leasing.get(id) : undefined;
      // One lease at a time per key: the requests that arrive meanwhile take their counts from it.
      if (pending) return void pending.then(() => this.incr(key, callback, timeWindow, max));
      const taking = leasing.rateLimitLease(id, timeWindow, size).then(
        ([last, ttl]) => {
          const at = Date.now();
          if (this.leases.size >= SWEEP_AT) for (const [k, l] of this.leases) if (l.resetAt <= at) this.leases.delete(k);
          const first = last - size + 1;
          this.leases.set(id, { next: first + 1, last, resetAt: at + ttl });
          callback(null, { current: first, ttl });
        },
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
      if (size > 1) {
        this.leasing.set(id, taking);
        void taking.finally(() => this.leasing.delete(id));
      }
    }

    child(routeOptions: object): FastifyRateLimitStore {
      // What the plugin passes is its merged limiter options (typed as route options) with routeInfo.
      const { routeInfo } = routeOptions as { routeInfo: { method?: string; url?: string } };
      // The key scheme of @fastify/rate-limit's RedisStore.child, so counts carry over a deploy.
      return new LeasedRedisStore(undefined, `${this.prefix}${routeInfo.method}${routeInfo.url}-`);
    }
  }
  return LeasedRedisStore as unknown as FastifyRateLimitStoreCtor;
}

/** Counts taken per Redis round trip: 1 % of the limit, at least one. */
export const leaseSize = (max: number): number => Math.max(1, Math.floor(max / 100));
