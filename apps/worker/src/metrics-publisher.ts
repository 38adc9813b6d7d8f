import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';

import { workerMetricsKeys } from '@roombook/queue';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

/**
 * Hands this process's metrics to the API: every `intervalMs` a snapshot goes to a Redis key of
 * its own that expires after three missed reports, so a dead worker's numbers leave the sum (a
 * counter reset, which Prometheus's rate() handles). Chosen over a metrics port per worker
 * because the API cannot know where every worker process runs, while all of them share Redis.
 */
export function startMetricsPublisher(options: { redis: Redis; prefix: string; registry: Registry; intervalMs: number; log: Logger }) {
  const { redis, registry, intervalMs, log } = options;
  const keys = workerMetricsKeys(options.prefix);
  const instance = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const ttlMs = intervalMs * 3;
  let inFlight: Promise<void> | undefined;

  const publish = (): Promise<void> => {
    // While Redis is away the worker connection queues commands; do not pile snapshots up.
    inFlight ??= (async () => {
      try {
        const snapshot = JSON.stringify(await registry.getMetricsAsJSON());
        const now = Date.now();
        await redis
          .multi()
          .set(keys.snapshot(instance), snapshot, 'PX', ttlMs)
          .zadd(keys.index, now, instance)
          .zremrangebyscore(keys.index, '-inf', now - ttlMs)
          .pexpire(keys.index, ttlMs)
          .exec();
      } catch (error) {
        log.warn({ err: error }, 'could not publish metrics');
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };
  const timer = setInterval(() => void publish(), intervalMs);
  timer.unref();
  return {
    instance,
    publish,
    stop() {
      clearInterval(timer);
    },
  };
}
