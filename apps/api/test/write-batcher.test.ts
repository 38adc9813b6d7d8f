import { describe, expect, it } from 'vitest';

import { createWriteBatcher } from '../src/lib/write-batcher.js';

interface Owner {
  calendarId: number;
  uid: string;
  userId: number;
}

const owner = (n: number, calendarId = 7): Owner => ({ calendarId, uid: `4zx3QAFzoxV3vaZSKGaH${String(n).padStart(2, '0')}`, userId: 3 });

describe('createWriteBatcher', () => {
  it('writes what concurrent requests hand it in one turn as one call, and settles each caller after it', async () => {
    const calls: Owner[][] = [];
    const write = createWriteBatcher<Owner>(async (rows) => {
      calls.push([...rows]);
    });
    await Promise.all([write(owner(1)), write(owner(2)), write(owner(3))]);
    expect(calls).toEqual([[owner(1), owner(2), owner(3)]]);
    // a later turn is a batch of its own
    await write(owner(4));
    expect(calls).toEqual([[owner(1), owner(2), owner(3)], [owner(4)]]);
  });

  it('does not settle a caller before its row is written', async () => {
    let finish!: () => void;
    const write = createWriteBatcher<Owner>(() => new Promise<void>((resolve) => (finish = resolve)));
    let settled = false;
    const pending = write(owner(1)).then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    finish();
    await pending;
    expect(settled).toBe(true);
  });

  it('when a batch fails, writes its rows one by one so only the bad one fails its caller', async () => {
    const written: Owner[] = [];
    // as PostgreSQL does: one row whose calendar was deleted fails the whole multi-row INSERT
    const write = createWriteBatcher<Owner>(async (rows) => {
      if (rows.some((r) => r.calendarId === 404)) throw new Error('insert or update on table "bookings" violates foreign key constraint');
      written.push(...rows);
    });
    const results = await Promise.allSettled([write(owner(1)), write(owner(2, 404)), write(owner(3))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(Error);
    expect(written).toEqual([owner(1), owner(3)]);
  });

  it('splits a turn larger than the batch size into several calls', async () => {
    const sizes: number[] = [];
    const write = createWriteBatcher<Owner>(async (rows) => {
      sizes.push(rows.length);
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => write(owner(n))));
    expect(sizes).toEqual([2, 2, 1]);
  });
});
