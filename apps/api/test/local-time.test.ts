import { instantOfWallClock } from '@roombook/zones';
import { formatInTimeZone, fromZonedTime, getTimezoneOffset } from 'date-fns-tz';
import { describe, expect, it } from 'vitest';

import { fromWallClock, toInstant } from '../src/lib/local-time.js';

const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Chatham', 'Africa/Casablanca', 'UTC'];
const DAY = 86_400_000;
const naive = (ms: number) => new Date(ms).toISOString().slice(0, 19);
const iso = (date: Date | undefined) => date?.toISOString();

/** Wall-clock days (as UTC ms) in 2027 where the zone's offset differs from the day before. */
function transitionDays(zone: string): number[] {
  const days: number[] = [];
  let previous: number | undefined;
  for (let day = Date.UTC(2027, 0, 1); day < Date.UTC(2028, 0, 1); day += DAY) {
    const offset = getTimezoneOffset(zone, new Date(day));
    if (previous !== undefined && offset !== previous) days.push(day - DAY);
    previous = offset;
  }
  return days;
}

/** True when exactly one instant reads `wall` (ms as if UTC) on the zone's clock, by date-fns-tz's reading of Intl. */
function unambiguous(wall: number, zone: string): boolean {
  const offsets = new Set([getTimezoneOffset(zone, new Date(wall - DAY)), getTimezoneOffset(zone, new Date(wall + DAY))]);
  return [...offsets].filter((offset) => formatInTimeZone(wall - offset, zone, "yyyy-MM-dd'T'HH:mm:ss") === naive(wall)).length === 1;
}

describe('fromWallClock', () => {
  it.each(zones)('reads every 5 minutes of the days around the transitions of %s as fromZonedTime does where one instant has that time, else by the zones rule', (zone) => {
    const days = transitionDays(zone);
    if (zone !== 'UTC' && zone !== 'Asia/Kathmandu') expect(days.length).toBeGreaterThan(0);
    let ambiguous = 0;
    for (const day of [Date.UTC(2027, 5, 10), ...days]) {
      for (let wall = day; wall < day + 2 * DAY; wall += 5 * 60_000) {
        const local = wall + 7_000;
        const value = naive(local);
        if (unambiguous(local, zone)) {
          expect(fromWallClock(value, zone).getTime(), value).toBe(fromZonedTime(value, zone).getTime());
        } else {
          ambiguous++;
          expect(fromWallClock(value, zone).getTime(), value).toBe(instantOfWallClock(local, zone).getTime());
        }
      }
    }
    if (days.length > 0) expect(ambiguous).toBeGreaterThan(0);
  });

  it('reads a skipped time with the offset before the gap and a repeated one as its first occurrence', () => {
    // Berlin 2027: 28 March 02:00 CET -> 03:00 CEST; 31 October 03:00 CEST -> 02:00 CET
    expect(iso(toInstant('2027-03-28T02:30', 'Europe/Berlin'))).toBe('2027-03-28T01:30:00.000Z');
    expect(iso(toInstant('2027-10-31T02:30', 'Europe/Berlin'))).toBe('2027-10-31T00:30:00.000Z');
    // New York 2027: 14 March 02:00 EST -> 03:00 EDT; 7 November 02:00 EDT -> 01:00 EST
    expect(iso(toInstant('2027-03-14T02:30', 'America/New_York'))).toBe('2027-03-14T07:30:00.000Z');
    expect(iso(toInstant('2027-11-07T01:30', 'America/New_York'))).toBe('2027-11-07T05:30:00.000Z');
  });

  it('keeps seconds, fractions, odd local-mean-time offsets and far years as fromZonedTime reads them', () => {
    for (const value of ['2027-01-04T10:00', '2027-01-04T10:00:59', '2027-01-04T10:00:00.5', '2027-01-04T10:00:00.123456789', '1890-06-01T12:00', '0999-06-01T12:00', '0050-06-01T12:00', '9999-12-31T23:59']) {
      for (const zone of zones) {
        expect(fromWallClock(value, zone).getTime(), `${value} ${zone}`).toBe(fromZonedTime(value, zone).getTime());
      }
    }
  });

  it('reads the ISO forms date-fns-tz read before: no seconds or minutes, a space, a date alone', () => {
    for (const value of ['2027-01-04T10', '2027-01-04T1030', '2027-01-04 10:30', '2027-01-04', '2027-01-04T10:30:15,5']) {
      expect(fromWallClock(value, 'Europe/Berlin').getTime(), value).toBe(fromZonedTime(value, 'Europe/Berlin').getTime());
    }
  });

  it('reads 24:00 as the end of its day, as ISO 8601 and a value with an offset do; other 24:xx times are no time', () => {
    // date-fns-tz read it as the start of the same day, so a booking "10:00 to 24:00" ended before it began.
    expect(iso(toInstant('2027-01-04T24:00', 'Europe/Berlin'))).toBe('2027-01-04T23:00:00.000Z');
    expect(iso(toInstant('2027-01-04T24:00:00', 'Europe/Berlin'))).toBe(iso(toInstant('2027-01-05T00:00', 'Europe/Berlin')));
    expect(iso(toInstant('2027-01-04T24:00+01:00', 'UTC'))).toBe('2027-01-04T23:00:00.000Z');
    expect(iso(toInstant('2027-01-31T24:00', 'UTC'))).toBe('2027-02-01T00:00:00.000Z');
    for (const value of ['2027-01-04T24:01', '2027-01-04T24:00:01', '2027-01-04T24:59:59', '2027-01-04T24:00:00.5']) {
      expect(toInstant(value, 'Europe/Berlin'), value).toBeUndefined();
    }
  });

  it('still refuses impossible dates and times', () => {
    expect(toInstant('2027-02-30T10:00', 'Europe/Berlin')).toBeUndefined();
    expect(toInstant('2027-02-29T10:00', 'Europe/Berlin')).toBeUndefined();
    expect(toInstant('2027-13-01T10:00', 'Europe/Berlin')).toBeUndefined();
    expect(toInstant('2027-01-04T25:00', 'Europe/Berlin')).toBeUndefined();
    expect(toInstant('2027-01-04T23:60', 'Europe/Berlin')).toBeUndefined();
    expect(toInstant('2027-01-04T10:00:60', 'Europe/Berlin')).toBeUndefined();
    expect(toInstant('next tuesday', 'Europe/Berlin')).toBeUndefined();
    expect(fromWallClock('2027-02-29T10:00', 'Europe/Berlin').getTime()).toBeNaN();
    expect(iso(toInstant('2028-02-29T10:00', 'Europe/Berlin'))).toBe('2028-02-29T09:00:00.000Z');
    expect(iso(toInstant('2027-01-04T10:00', 'Europe/Berlin'))).toBe('2027-01-04T09:00:00.000Z');
    expect(iso(toInstant('2027-01-04T10:00:00+01:00', 'America/New_York'))).toBe('2027-01-04T09:00:00.000Z');
  });
});
