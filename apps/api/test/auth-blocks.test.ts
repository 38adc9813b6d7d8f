import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';

import { createAuthBlocks, type AuthBlocks } from '../src/lib/auth-blocks.js';
import { uniqueName } from './helper.js';

/** Two API processes' views of the failed-authentication blocks, on real Redis connections. */
describe('failed-authentication blocks', () => {
  const prefix = `${uniqueName('blocks')}:`;
  const opened: { blocks: AuthBlocks; redis: Redis }[] = [];
  const open = () => {
    const redis = new Redis(inject('redisUrl'));
    const subscriber = new Redis(inject('redisUrl'));
    const blocks = createAuthBlocks(redis, subscriber, prefix, (error) => {
      throw error;
    });
    opened.push({ blocks, redis });
    return { blocks, subscriber };
  };
  afterAll(async () => {
    const [first] = opened;
    const keys = await first!.redis.keys(`${prefix}*`);
    if (keys.length > 0) await first!.redis.del(...keys);
    for (const { blocks, redis } of opened) {
      blocks.close();
      redis.disconnect();
    }
  });

  it('a block is known in the process that set it at once and in the others when its message arrives, without asking Redis', async () => {
    const [one, two] = [open(), open()];
    await Promise.all([one.blocks.current(), two.blocks.current()]);
    expect(two.blocks.remainingMs('10.1.0.1')).toBe(0);
    await one.blocks.block('10.1.0.1', 60_000);
    expect(one.blocks.remainingMs('10.1.0.1')).toBeGreaterThan(59_000);
    await vi.waitFor(() => expect(two.blocks.remainingMs('10.1.0.1')).toBeGreaterThan(59_000));
    expect(two.blocks.remainingMs('10.1.0.2')).toBe(0);
  });

  it('while its subscription is down a process reads each address from Redis, and loads the blocks it missed when it is back', async () => {
    const [one, two] = [open(), open()];
    await Promise.all([one.blocks.current(), two.blocks.current()]);
    two.subscriber.disconnect();
    await vi.waitFor(() => expect(two.subscriber.status).toBe('end'));
    await one.blocks.block('10.2.0.1', 60_000);
    // missed the message: the answer comes from Redis
    const read = two.blocks.remainingMs('10.2.0.1');
    expect(read).toBeInstanceOf(Promise);
    expect(await read).toBeGreaterThan(59_000);
    await two.subscriber.connect();
    await two.blocks.current();
    expect(two.blocks.remainingMs('10.2.0.1')).toBeGreaterThan(59_000);
    // a process started now loads it too
    const three = open();
    await three.blocks.current();
    expect(three.blocks.remainingMs('10.2.0.1')).toBeGreaterThan(59_000);
  });

  it('a block ends with its window', async () => {
    const [one, two] = [open(), open()];
    await Promise.all([one.blocks.current(), two.blocks.current()]);
    await one.blocks.block('10.3.0.1', 1000);
    await vi.waitFor(() => expect(two.blocks.remainingMs('10.3.0.1')).toBeGreaterThan(0));
    await vi.waitFor(() => {
      expect(one.blocks.remainingMs('10.3.0.1')).toBe(0);
      expect(two.blocks.remainingMs('10.3.0.1')).toBe(0);
    }, { timeout: 3000 });
  });
});
