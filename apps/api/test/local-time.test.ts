import { fromZonedTime } from 'date-fns-tz';
import { describe, expect, it } from 'vitest';

import { fromWallClock, toInstant } from '../src/lib/local-time.js';

const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Chatham', 'Africa/Casablanca', 'UTC'];
const DAY = 86_400_000;
const naive = (ms: number) => new Date(ms).toISOString().slice(0, 19);

/** Wall-clock days (as UTC ms) in 2027 where the zone's offset differs from the day before. */
function transitionDays(zone: string): number[] {
  const days: number[] = [];
  let previous: number | undefined;
  for (let day = Date.UTC(2027, 0, 1); day < Date.UTC(2028, 0, 1); day += DAY) {
    const offset = day - fromZonedTime(naive(day), zone).getTime();
    if (previous !== undefined && offset !== previous) days.push(day - DAY);
    previous = offset;
  }
  return days;
}

describe('fromWallClock (fromZonedTime with cached offsets)', () => {
  it.each(zones)('reads every 5 minutes of the days around the transitions of %s as fromZonedTime does, gaps and overlaps included', (zone) => {
    const days = transitionDays(zone);
    if (zone !== 'UTC' && zone !== 'Asia/Kathmandu') expect(days.length).toBeGreaterThan(0);
    for (const day of [Date.UTC(2027, 5, 10), ...days]) {
      for (let wall = day; wall < day + 2 * DAY; wall += 5 * 60_000) {
        // twice: the first read fills the cache, the second reads it
        for (let i = 0; i < 2; i++) expect(fromWallClock(naive(wall + 7_250), zone).getTime()).toBe(fromZonedTime(naive(wall + 7_250), zone).getTime());
      }
    }
  });

  it('keeps seconds, fractions, odd local-mean-time offsets and far years as fromZonedTime reads them', () => {
    for (const value of ['2027-01-04T10:00', '2027-01-04T10:00:59', '2027-01-04T10:00:00.5', '2027-01-04T10:00:00.123456789', '1890-06-01T12:00', '0999-06-01T12:00', '9999-12-31T23:59']) {
      for (const zone of zones) {
        for (let i = 0; i < 2; i++) expect(fromWallClock(value, zone).getTime(), `${value} ${zone}`).toBe(fromZonedTime(value, zone).getTime());
      }
    }
  });

  it('still refuses impossible dates and times', () => {
    expect(toInstant('2027-02-30T10:00', 'Europe/Berlin')).toBeUndefined();
    expect(toInstant('2027-13-01T10:00', 'Europe/Berlin')).toBeUndefined();
    expect(toInstant('2027-01-04T25:00', 'Europe/Berlin')).toBeUndefined();
    expect(toInstant('2027-01-04T10:00', 'Europe/Berlin')?.toISOString()).toBe('2027-01-04T09:00:00.000Z');
  });
});
