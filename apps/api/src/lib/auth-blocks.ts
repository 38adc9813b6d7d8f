import type { Redis } from 'ioredis';

/** Blocks kept in process before the expired ones are swept out. */
const SWEEP_AT = 10_000;

export interface AuthBlocks {
  /**
   * The ms the address is still blocked for (0: not blocked), from the in-process view when it is
   * current, else read from Redis (a number either way; a Promise only on the fallback path).
   */
  remainingMs(ip: string): number | Promise<number>;
  /** Blocks the address for `ttlMs` in Redis and announces it to every API process. */
  block(ip: string, ttlMs: number): Promise<void>;
  /** Resolves once the view is current (subscribed and loaded); for tests. */
  current(): Promise<void>;
  close(): void;
}

/**
 * Which client addresses are turned away for too many failed authentications, answered in process
 * instead of by a Redis PTTL per request (issue 9: that read was a tenth of the API's CPU per
 * booking). Redis stays the record: each block is a key `{prefix}auth-blocked:{ip}` that expires
 * with it, listed in the set `{prefix}auth-blocked` so that a process can load every block when it
 * (re)subscribes. Setting a block also publishes it on `{prefix}auth-blocked`, and every process
 * adds it to its view on the message.
 *
 * What holds: the process that sets a block refuses the address from then on; other processes
 * refuse it as soon as the message reaches them (the time Redis takes to deliver it, the same
 * race the requests already in flight when a block is set have always had). While the
 * subscription is down, or until the blocks are loaded after it (re)connects, each request reads
 * the address's key from Redis as before, so a missed message never lets a blocked address in.
 */
export function createAuthBlocks(redis: Redis, subscriber: Redis, prefix: string, onError: (error: unknown, what: string) => void): AuthBlocks {
  const keyOf = (ip: string) => `${prefix}auth-blocked:${ip}`;
  const index = `${prefix}auth-blocked`;
  const channel = index;
  /** Address -> when its block ends, in this process's clock. */
  const blocked = new Map<string, number>();
  /** The view is current: subscribed, and every block set before the subscription loaded. */
  let loaded = false;
  /** Bumped whenever the subscription drops: a load started before that cannot mark the view current. */
  let generation = 0;
  let resolveCurrent: (() => void) | undefined;
  let currentPromise = new Promise<void>((resolve) => (resolveCurrent = resolve));
  let retry: NodeJS.Timeout | undefined;

  const note = (ip: string, ttlMs: number) => {
    if (ttlMs <= 0) return;
    const now = Date.now();
    if (blocked.size >= SWEEP_AT) for (const [address, until] of blocked) if (until <= now) blocked.delete(address);
    blocked.set(ip, Math.max(blocked.get(ip) ?? 0, now + ttlMs));
  };

  /** Every block in Redis, by its key's remaining time (the index may list expired ones: pruned here). */
  async function load(): Promise<void> {
    const ips = await redis.zrange(index, '0', '-1');
    const ttls = await Promise.all(ips.map((ip) => redis.pttl(keyOf(ip))));
    const gone = ips.filter((_, i) => ttls[i]! <= 0);
    ips.forEach((ip, i) => note(ip, ttls[i]!));
    if (gone.length > 0) await redis.zrem(index, ...gone);
  }

  function becomeCurrent(): void {
    const started = generation;
    clearTimeout(retry);
    subscriber
      .subscribe(channel)
      .then(load)
      .then(
        () => {
          if (started !== generation) return;
          loaded = true;
          resolveCurrent?.();
        },
        (error: unknown) => {
          onError(error, 'could not load the failed-authentication blocks');
          if (started === generation) retry = setTimeout(becomeCurrent, 1000).unref();
        },
      );
  }

  const drop = () => {
    generation++;
    if (loaded) currentPromise = new Promise<void>((resolve) => (resolveCurrent = resolve));
    loaded = false;
  };
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    const space = message.indexOf(' ');
    note(message.slice(space + 1), Number(message.slice(0, space)));
  });
  subscriber.on('ready', becomeCurrent);
  subscriber.on('close', drop);
  if (subscriber.status === 'ready') becomeCurrent();

  return {
    remainingMs(ip) {
      if (!loaded) return redis.pttl(keyOf(ip)).catch(() => -2);
      const until = blocked.get(ip);
      if (until === undefined) return 0;
      const left = until - Date.now();
      if (left > 0) return left;
      blocked.delete(ip);
      return 0;
    },
    async block(ip, ttlMs) {
      note(ip, ttlMs);
      // One transaction: a process loading the index sees the address together with its key.
      await redis.multi().set(keyOf(ip), '1', 'PX', ttlMs).zadd(index, Date.now() + ttlMs, ip).publish(channel, `${ttlMs} ${ip}`).exec();
    },
    current: () => currentPromise,
    close() {
      drop();
      clearTimeout(retry);
      subscriber.disconnect();
    },
  };
}
