import { Redis, type RedisOptions } from 'ioredis';

/**
 * The API's connection: no offline queue and one try per command, so a Redis outage fails the
 * request at once (-> 503) instead of hanging it.
 */
export function createProducerConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 3000,
    ...options,
  });
}

/** Workers must wait out Redis outages rather than fail jobs: BullMQ requires null here. */
export function createWorkerConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, ...options });
}
