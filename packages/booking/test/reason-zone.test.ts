import { describe, expect, it } from 'vitest';

import { planClearing } from '../src/index.js';
import { NOW, single } from './fixtures.js';

describe('loser reasons in the room zone', () => {
  const finance = single('u-fin', 'Finance Monthly', '2025-07-15T08:00:00Z', '2025-07-15T10:00:00Z', '2025-01-14T07:33:20Z');
  const fundraising = single('u-fund', 'Fundraising Weekly', '2025-07-15T08:00:00Z', '2025-07-15T10:00:00Z', '2025-07-09T13:11:19Z');

  it('prints the winner in the given zone, with its offset, like the report items', () => {
    const plan = planClearing({ occurrences: [finance, fundraising], priorityTokens: [], now: NOW, timeZone: 'Europe/Berlin' });
    expect(plan.losers.map((l) => l.reason)).toEqual([
      'overlaps "Finance Monthly" (2025-07-15T10:00:00+02:00–2025-07-15T12:00:00+02:00), booked earlier',
    ]);
  });

  it('keeps a winter date in standard time (the offset follows the date, not today)', () => {
    const a = single('w-a', 'Kick-off', '2025-12-01T09:00:00Z', '2025-12-01T10:00:00Z', '2025-01-01T00:00:00Z');
    const b = single('w-b', 'Review', '2025-12-01T09:30:00Z', '2025-12-01T10:30:00Z', '2025-02-01T00:00:00Z');
    const plan = planClearing({ occurrences: [a, b], priorityTokens: [], now: NOW, timeZone: 'America/New_York' });
    expect(plan.losers[0]?.reason).toBe('overlaps "Kick-off" (2025-12-01T04:00:00-05:00–2025-12-01T05:00:00-05:00), booked earlier');
  });
});
