import { describe, expect, it } from 'vitest';

import { nextDate, zoneScenarios } from './zone-scenarios.js';

const DAY = 86_400_000;
const utcOf = (yyyymmdd: string) => Date.UTC(Number(yyyymmdd.slice(0, 4)), Number(yyyymmdd.slice(4, 6)) - 1, Number(yyyymmdd.slice(6, 8)));

/**
 * The zone scenarios' dates must fit a clear's window whatever day the suite runs: on 2026-12-08 the
 * next December 10 "at least two days ahead" was 2027-12-10, past the 365-day window, and the clear
 * of the Sao Paulo room found nothing to delete.
 */
describe('zone scenario dates', () => {
  it('are two to 360 days ahead on every day of a year, early and late in the day', () => {
    for (let d = 0; d < 366; d++) {
      for (const hour of [0, 23]) {
        const now = new Date(Date.UTC(2026, 0, 1 + d, hour, 59));
        // the month/days zoneScenarios uses
        for (const [month, day] of [[12, 10], [7, 10], [3, 12], [12, 15], [7, 15], [5, 5]] as const) {
          const ahead = utcOf(nextDate(month, day, now)) - now.getTime();
          expect(ahead, `${now.toISOString()} ${month}/${day}`).toBeGreaterThanOrEqual(DAY);
          expect(ahead, `${now.toISOString()} ${month}/${day}`).toBeLessThanOrEqual(360 * DAY);
        }
      }
    }
  });

  it('keep the month, or move at most a week into the next one', () => {
    expect(nextDate(12, 10, new Date('2026-11-29T12:00:00Z'))).toBe('20261210');
    expect(nextDate(12, 10, new Date('2026-12-08T00:55:00Z'))).toBe('20261217');
    expect(nextDate(12, 10, new Date('2026-12-20T00:00:00Z'))).toBe('20271210');
    expect(nextDate(12, 31, new Date('2026-12-30T00:00:00Z'))).toBe('20270107');
    expect(zoneScenarios('t', new Date('2026-12-08T00:55:00Z')).length).toBeGreaterThan(0);
  });
});
