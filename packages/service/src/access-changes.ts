import { accessChangesChannel, createProducerConnection } from '@roombook/queue';

/**
 * Tells every running API process that keys or grants changed, so their in-process access
 * caches drop what they hold at once (issue 9). The operations below call `announce` after their
 * database change is committed; without a publisher (or when Redis cannot be reached) the API
 * processes still notice within their ACCESS_CACHE_TTL_MS.
 */
export interface AccessChanges {
  /** Never throws: the database change already stands; a failure goes to `onError`. */
  announce(reason: string): Promise<void>;
  close(): void;
}

export function redisAccessChanges(options: { url: string; prefix: string; onError?: (error: Error) => void }): AccessChanges {
  // Connected on first use only: most admin commands change no access and need no Redis.
  const redis = createProducerConnection(options.url, { lazyConnect: true, connectTimeout: 2000, retryStrategy: () => null });
  redis.on('error', () => {}); // reported through announce's onError
  const channel = accessChangesChannel(options.prefix);
  return {
    async announce(reason) {
      try {
        if (redis.status === 'wait') await redis.connect();
        await redis.publish(channel, JSON.stringify({ reason, at: new Date().toISOString() }));
      } catch (error) {
        options.onError?.(error as Error);
      }
    },
    close() {
      redis.disconnect();
    },
  };
}

export async function announce(changes: AccessChanges | undefined, reason: string): Promise<void> {
  await changes?.announce(reason);
}
