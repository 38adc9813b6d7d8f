/**
 * Coalesces writes issued in the same event-loop turn into one call of `writeMany` (one database
 * round trip for every concurrent request instead of one each, issue 9). Each caller's promise
 * settles when its item is written. When a batch fails, its items are written one at a time, so
 * one bad item (a calendar deleted meanwhile) fails only its own request.
 *
 * Hand-written: DataLoader batches keyed reads, and its caching, key order and per-key results
 * are all beside the point for a fire-and-confirm insert of a dozen lines.
 */
export function createWriteBatcher<T>(writeMany: (items: readonly T[]) => Promise<void>, maxBatch = 500) {
  let pending: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];

  async function flush(batch: typeof pending): Promise<void> {
    try {
      await writeMany(batch.map((p) => p.item));
      for (const p of batch) p.resolve();
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      await Promise.all(batch.map((p) => writeMany([p.item]).then(p.resolve, p.reject)));
    }
  }

  return function write(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      if (pending.length === 1) {
        // setImmediate, not a microtask: requests parsed from the same socket reads land in one batch.
        setImmediate(() => {
          const batch = pending;
          pending = [];
          for (let i = 0; i < batch.length; i += maxBatch) void flush(batch.slice(i, i + maxBatch));
        });
      }
    });
  };
}
