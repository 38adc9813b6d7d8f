import { describe, expect, it } from 'vitest';

import { ago, syncLine } from '../src/admin/dashboard.js';

const now = new Date('2026-11-29T10:30:00Z');
const before = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();

/** The dashboard's line on how old each room's calendar copy (the worker's mirror) is. */
describe('dashboard sync line', () => {
  it('says how long ago in the largest whole unit', () => {
    expect(ago(new Date(before(3)), now)).toBe('just now');
    expect(ago(new Date(before(45)), now)).toBe('45 seconds ago');
    expect(ago(new Date(before(150)), now)).toBe('2 minutes ago');
    expect(ago(new Date(before(2 * 3600 + 59 * 60)), now)).toBe('2 hours ago');
    expect(ago(new Date(before(3 * 86_400)), now)).toBe('3 days ago');
    // A clock a little ahead of ours is not "in the future".
    expect(ago(new Date(now.getTime() + 5000), now)).toBe('just now');
  });

  it('reads the three mirror states', () => {
    expect(syncLine({ state: 'never', refreshedAt: null, failedAt: null, error: null }, now)).toEqual({ state: 'never', text: 'not synced yet', at: null });
    expect(syncLine(undefined, now).text).toBe('not synced yet');
    expect(syncLine({ state: 'synced', refreshedAt: before(120), failedAt: null, error: null }, now)).toEqual({ state: 'synced', text: 'synced 2 minutes ago', at: before(120) });
    expect(syncLine({ state: 'failed', refreshedAt: before(3600), failedAt: before(300), error: 'CalDAV: 401 Unauthorized' }, now)).toEqual({
      state: 'failed',
      text: 'last sync failed 5 minutes ago: CalDAV: 401 Unauthorized (last good sync 1 hour ago)',
      at: before(300),
    });
    expect(syncLine({ state: 'failed', refreshedAt: null, failedAt: before(60), error: 'timeout' }, now).text).toBe('last sync failed 1 minute ago: timeout');
  });
});
