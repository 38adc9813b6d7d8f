import { createHash, randomBytes } from 'node:crypto';

// inject()'s keys (redisUrl, runId) are declared by the test harness.
import type {} from '@roombook/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';

import { clearSummaryOf, createClearReportStore, emptyReport, resolveClearResult, type ClearReport, type ReportItem } from '../src/index.js';

const item = (uid: string, status: ReportItem['status']): ReportItem => ({
  event: { uid, name: 'Meeting', start: '2026-12-08T10:00:00+01:00', end: '2026-12-08T11:00:00+01:00', created: null, organizer: 'o@example.org', recurrence_id: null },
  overlaps_with: null,
  also_overlaps: [],
  calendar: 'room-1',
  recurrence_id: null,
  action: 'deleted',
  reason: 'overlaps an earlier booking',
  status,
});

function report(): ClearReport {
  const r = emptyReport(true);
  r.deleted_overlapping_events.push(item('a', 'planned'), item('b', 'failed'));
  r.deleted_cancelled_events.push(item('c', 'planned'));
  r.windows.push({ calendar: 'room-1', from: '2026-12-07T00:00:00+01:00', to: '2027-12-07T00:00:00+01:00' });
  return r;
}

describe('a clear report stored apart from its job', () => {
  const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  const prefix = `${inject('runId')}-report-${randomBytes(3).toString('hex')}`;
  const store = createClearReportStore(redis, prefix, 3600);
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('answers a small summary with the key, and resolves to the same report', async () => {
    const original = report();
    const stored = await store.store(original);
    expect(stored).toEqual({
      report_ref: expect.stringMatching(new RegExp(`^${prefix}:clear-report:[0-9a-f]{64}$`)),
      test_mode: true,
      mails_queued: 0,
      windows: original.windows,
      counts: {
        deleted_cancelled_events: 1,
        deleted_overlapping_events: 2,
        cancelled_overlapping_recurring_events: 0,
        ignored_overlapping_events: 0,
        unreadable_objects: 0,
        truncated_series: 0,
        failed_items: 1,
      },
    });
    expect(await redis.ttl(stored.report_ref)).toBeGreaterThan(3500);
    expect(await resolveClearResult(redis, JSON.parse(JSON.stringify(stored)))).toEqual(original);
  });

  it('stores a report again only when its key is gone; otherwise it only renews the key', async () => {
    const shared = report();
    const { report_ref: key } = await store.store(shared);
    // A marker in place of the JSON shows whether a later store wrote again.
    await redis.set(key, '"marker"', 'EX', 10);
    expect((await store.store(shared)).report_ref).toBe(key);
    expect(await redis.get(key)).toBe('"marker"');
    expect(await redis.ttl(key)).toBeGreaterThan(3500);
    // Equal content from another object (another job, a restarted worker) shares the key.
    expect((await store.store(report())).report_ref).toBe(key);
    expect(await redis.get(key)).toBe('"marker"');
    await redis.del(key);
    expect((await store.store(shared)).report_ref).toBe(key);
    expect(JSON.parse((await redis.get(key))!)).toEqual(shared);
  });

  it('writes a report in pieces: its key and its stored JSON are those of the whole report, and no piece is left apart', async () => {
    const big = report();
    // Two-byte characters too, as the planner's reasons hold them.
    for (let i = 0; i < 200; i++) big.deleted_overlapping_events.push({ ...item(`u-${i}`, 'planned'), reason: `overlaps – ${i}` });
    const pieced = createClearReportStore(redis, prefix, 3600, 64);
    const json = JSON.stringify(big);
    const { report_ref: key } = await pieced.store(big);
    expect(key).toBe(`${prefix}:clear-report:${createHash('sha256').update(json).digest('hex')}`);
    expect(await redis.get(key)).toBe(json);
    expect(await redis.ttl(key)).toBeGreaterThan(3500);
    expect(await redis.keys(`${prefix}:clear-report-partial:*`)).toEqual([]);
    // Equal content stored again by another object: the pieces written meanwhile are dropped.
    await redis.set(key, '"marker"', 'EX', 10);
    expect((await pieced.store(structuredClone(big))).report_ref).toBe(key);
    expect(await redis.get(key)).toBe('"marker"');
    expect(await redis.keys(`${prefix}:clear-report-partial:*`)).toEqual([]);
  });

  it('answers the summary marked report_expired when the key is gone, and a result stored whole as it is', async () => {
    const original = report();
    const stored = await store.store(original);
    await redis.del(stored.report_ref);
    const { report_ref: _ref, ...summary } = stored;
    expect(await resolveClearResult(redis, stored)).toEqual({ ...summary, report_expired: true });
    // Jobs completed before reports were stored apart hold the whole report.
    expect(await resolveClearResult(redis, original)).toBe(original);
    expect(clearSummaryOf(original)).toEqual(summary);
    expect(clearSummaryOf(stored)).toEqual(summary);
    expect(clearSummaryOf(null)).toBeNull();
  });
});
