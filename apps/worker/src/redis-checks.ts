import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * BullMQ's production advice: with any eviction policy but `noeviction`, Redis may silently drop
 * queue keys (jobs, locks, the calendar leases) under memory pressure. Warn at start; a Redis
 * that forbids CONFIG (some managed services) gets a softer note.
 */
export async function warnUnlessNoeviction(redis: Redis, log: Logger): Promise<string | undefined> {
  let policy: string | undefined;
  try {
    const answer = (await redis.config('GET', 'maxmemory-policy')) as unknown;
    if (Array.isArray(answer) && typeof answer[1] === 'string') policy = answer[1];
  } catch (error) {
    log.info({ err: error }, 'could not read Redis maxmemory-policy (CONFIG GET refused); make sure it is noeviction');
    return undefined;
  }
  if (policy !== undefined && policy !== 'noeviction') {
    log.warn(
      { maxmemoryPolicy: policy },
      `Redis maxmemory-policy is "${policy}", not "noeviction": under memory pressure Redis may evict queued jobs and calendar locks`,
    );
  }
  return policy;
}
