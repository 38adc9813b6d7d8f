import { emptyReport } from '@roombook/queue';
import { describe, expect, it } from 'vitest';

import { ReportCache, type ReportKey } from '../src/clearing/report-cache.js';

const t0 = new Date('2026-03-02T08:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const key = (over: Partial<ReportKey> = {}): ReportKey => ({
  calendarId: 1,
  store: '4:abc',
  slug: 'room',
  timeZone: 'Europe/Berlin',
  window: { from: new Date('2026-03-01T23:00:00Z'), to: new Date('2026-03-31T22:00:00Z') },
  priorityTokens: ['tok-1'],
  ...over,
});
const value = () => ({ report: emptyReport(true), objects: 4, occurrences: 3, decisions: 1 });

describe('dry-run report cache', () => {
  it('hands back the report while the store, the inputs and what has ended are as planned', () => {
    const cache = new ReportCache();
    const cached = value();
    // planned at t0 on occurrences ending at -30 (already past), +45 and +120 minutes
    cache.set(key(), t0, [{ end: at(-30) }, { end: at(120) }, { end: at(45) }], cached);
    expect(cache.get(key(), at(10))?.report).toBe(cached.report);
    expect(cache.get(key(), at(44))).toMatchObject({ objects: 4, occurrences: 3, decisions: 1 });
    // the occurrence ending at +45 is past from then on: the planner would leave it alone now
    expect(cache.get(key(), at(45))).toBeUndefined();
    expect(cache.get(key(), at(-1))).toBeUndefined(); // the clock went back
  });

  it('misses when the store digest, window, tokens, zone or slug differ', () => {
    const cache = new ReportCache();
    cache.set(key(), t0, [], value());
    expect(cache.get(key(), t0)).toBeDefined();
    expect(cache.get(key({ store: '4:abd' }), t0)).toBeUndefined();
    expect(cache.get(key({ priorityTokens: [] }), t0)).toBeUndefined();
    expect(cache.get(key({ timeZone: 'UTC' }), t0)).toBeUndefined();
    expect(cache.get(key({ slug: 'other' }), t0)).toBeUndefined();
    expect(cache.get(key({ window: { from: new Date('2026-03-02T23:00:00Z'), to: new Date('2026-04-01T22:00:00Z') } }), t0)).toBeUndefined();
    expect(cache.get(key({ calendarId: 2 }), t0)).toBeUndefined();
  });

  it('keeps a few calendars, dropping the least recently used', () => {
    const cache = new ReportCache();
    for (let id = 1; id <= 4; id++) cache.set(key({ calendarId: id }), t0, [], value());
    expect(cache.get(key({ calendarId: 1 }), t0)).toBeDefined(); // 1 is now the most recent
    cache.set(key({ calendarId: 5 }), t0, [], value());
    expect(cache.get(key({ calendarId: 2 }), t0)).toBeUndefined();
    for (const id of [1, 3, 4, 5]) expect(cache.get(key({ calendarId: id }), t0)).toBeDefined();
  });
});
