/**
 * What fencing costs: one Redis round trip (an EVAL) before each CalDAV write, and what taking and
 * releasing an uncontended calendar lock costs. Against the Redis at REDIS_URL (default local).
 */
import { randomBytes } from 'node:crypto';

import { loadConfig, processEnv, RedisEnv } from '@roombook/config';
import { createCalendarLock, fence } from '@roombook/queue';
import { Redis } from 'ioredis';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function report(label: string, samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const f = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
  console.log(`${label}: n=${samples.length} p50=${f(percentile(sorted, 50))} p99=${f(percentile(sorted, 99))} max=${f(sorted.at(-1)!)}`);
}

export async function run(): Promise<void> {
  const redis = new Redis(loadConfig(RedisEnv, processEnv()).REDIS_URL);
  const prefix = `bench-lock-${randomBytes(4).toString('hex')}`;
  try {
    const lock = createCalendarLock(redis, prefix);
    const fences: number[] = [];
    await lock(1, async () => {
      for (let i = 0; i < 2000; i++) {
        const started = performance.now();
        await fence(1);
        fences.push(performance.now() - started);
      }
    });
    report('fence before a write (extend-and-check EVAL)', fences);

    const cycles: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const started = performance.now();
      await lock(2, async () => undefined);
      cycles.push(performance.now() - started);
    }
    report('lock + release, uncontended', cycles);
  } finally {
    redis.disconnect();
  }
}
