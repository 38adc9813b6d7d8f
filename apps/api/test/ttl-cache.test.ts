import { describe, expect, it } from 'vitest';

import { TtlCache } from '../src/lib/ttl-cache.js';

describe('TtlCache', () => {
  const clock = () => {
    let now = 1_000;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };

  it('serves a found value until its TTL passes, then loads again', async () => {
    const time = clock();
    const cache = new TtlCache<string>(5000, 100, time.now);
    let loads = 0;
    const load = async () => `user-${++loads}`;
    expect(await cache.get('k', load)).toBe('user-1');
    time.advance(4999);
    expect(await cache.get('k', load)).toBe('user-1');
    time.advance(1);
    expect(await cache.get('k', load)).toBe('user-2');
  });

  it('does not cache a miss: a new key or grant works at once', async () => {
    const cache = new TtlCache<string>(5000);
    let found: string | undefined;
    expect(await cache.get('k', async () => found)).toBeUndefined();
    found = 'alice';
    expect(await cache.get('k', async () => found)).toBe('alice');
  });

  it('clear() drops entries and discards a load that was in flight, so a revocation is never undone', async () => {
    const cache = new TtlCache<string>(60_000);
    let release!: (value: string) => void;
    const slow = cache.get('k', () => new Promise<string>((resolve) => (release = resolve)));
    cache.clear(); // the revocation arrives while the lookup that read the old row is still running
    release('before-revocation');
    expect(await slow).toBe('before-revocation');
    expect(cache.size).toBe(0);
    expect(await cache.get('k', async () => undefined)).toBeUndefined();
  });

  it('shares one load between concurrent misses of one key', async () => {
    const cache = new TtlCache<string>(5000);
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((resolve) => setImmediate(resolve));
      return 'v';
    };
    expect(await Promise.all([cache.get('k', load), cache.get('k', load), cache.get('k', load)])).toEqual(['v', 'v', 'v']);
    expect(loads).toBe(1);
  });

  it('keeps at most maxEntries, dropping the oldest; TTL 0 turns caching off', async () => {
    const cache = new TtlCache<number>(5000, 2);
    for (const n of [1, 2, 3]) await cache.get(`k${n}`, async () => n);
    expect(cache.size).toBe(2);
    expect(await cache.get('k1', async () => 10)).toBe(10);
    const off = new TtlCache<number>(0);
    let loads = 0;
    await off.get('k', async () => ++loads);
    await off.get('k', async () => ++loads);
    expect(loads).toBe(2);
  });
});
