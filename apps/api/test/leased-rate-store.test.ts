import type { FastifyRateLimitOptions } from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { leasedRedisStore, leaseSize } from '../src/lib/leased-rate-store.js';
import { uniqueName } from './helper.js';

describe('leased rate-limit store', () => {
  let redis: Redis;
  let other: Redis;
  const prefix = `${uniqueName('lease')}:`;

  beforeAll(() => {
    redis = new Redis(inject('redisUrl'));
    other = new Redis(inject('redisUrl'));
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    other.disconnect();
  });

  /** A store as @fastify/rate-limit makes it for `app.rateLimit(...)`. */
  const storeOn = (connection: Redis) => {
    const Store = leasedRedisStore(connection, prefix);
    return new Store({} as FastifyRateLimitOptions).child({ routeInfo: {} } as never);
  };
  const count = (store: ReturnType<typeof storeOn>, key: string, max: number, windowMs = 60_000) =>
    new Promise<{ current: number; ttl: number }>((resolve, reject) => store.incr(key, (error, result) => (error ? reject(error) : resolve(result!)), windowMs, max));

  it('numbers every count in Redis: two processes never admit more than the limit, and refuse at most (processes - 1) x (lease - 1) early', async () => {
    const max = 1000;
    const size = leaseSize(max);
    expect(size).toBe(10);
    const [a, b] = [storeOn(redis), storeOn(other)];
    let admitted = 0;
    for (let i = 0; i < 1500; i++) {
      const { current } = await count(i % 3 === 0 ? b : a, 'k1', max);
      if (current <= max) admitted += 1;
    }
    expect(admitted).toBeLessThanOrEqual(max);
    expect(admitted).toBeGreaterThanOrEqual(max - (size - 1));
  });

  it('takes one lease for the concurrent requests of a key: 50 at once cost 5 Redis counts of 10', async () => {
    const store = storeOn(redis);
    const results = await Promise.all(Array.from({ length: 50 }, () => count(store, 'k2', 1000)));
    expect(results.map((r) => r.current).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(Number(await redis.get(`${prefix}undefinedundefined-k2`))).toBe(50);
    expect(results.every((r) => r.ttl > 0 && r.ttl <= 60_000)).toBe(true);
  });

  it('counts one at a time under a limit of less than 200, exactly as across processes', async () => {
    const [a, b] = [storeOn(redis), storeOn(other)];
    const seen = [];
    for (let i = 0; i < 5; i++) seen.push((await count(i % 2 ? a : b, 'k3', 3)).current);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(Number(await redis.get(`${prefix}undefinedundefined-k3`))).toBe(5);
    // Past the limit in this window already: answered without Redis until the window ends.
    expect((await count(a, 'k3', 3)).current).toBeGreaterThan(3);
    expect(Number(await redis.get(`${prefix}undefinedundefined-k3`))).toBe(5);
  });

  it('starts a new window when the old one ends', async () => {
    const store = storeOn(redis);
    expect((await count(store, 'k4', 500, 300)).current).toBe(1);
    expect((await count(store, 'k4', 500, 300)).current).toBe(2);
    await new Promise((r) => setTimeout(r, 400));
    expect((await count(store, 'k4', 500, 300)).current).toBe(1);
  });
});
