import { formatInTimeZone, fromZonedTime, getTimezoneOffset } from 'date-fns-tz';
import { describe, expect, it } from 'vitest';

import { findTransitions, instantOfWallClock, offsetAt, offsetForWallClock, offsetSecondsAt, wallClock } from '../src/index.js';

const DAY = 86_400_000;
const iso = (date: Date) => date.toISOString();
/** `local` (naive ISO) as an instant in `zone`, by instantOfWallClock from its fields as if UTC. */
const instant = (local: string, zone: string) => iso(instantOfWallClock(Date.parse(`${local}Z`), zone));
/** What the wall clock of `zone` reads at `ms`, to the second, by date-fns-tz (its own reading of Intl). */
const reads = (ms: number, zone: string) => formatInTimeZone(ms, zone, "yyyy-MM-dd'T'HH:mm:ss");

describe('instantOfWallClock', () => {
  it('reads a time skipped when clocks go forward with the offset before the gap (later by the gap)', () => {
    // Berlin 2026-03-29 02:00 CET -> 03:00 CEST; date-fns-tz's fromZonedTime gives 00:30Z (01:30 CET) here.
    expect(instant('2026-03-29T02:30', 'Europe/Berlin')).toBe('2026-03-29T01:30:00.000Z');
    // New York 2026-03-08 02:00 EST -> 03:00 EDT; fromZonedTime gives 06:30Z (01:30 EST).
    expect(instant('2026-03-08T02:30', 'America/New_York')).toBe('2026-03-08T07:30:00.000Z');
    // Lord Howe's 30-minute change, 02:00 +10:30 -> 02:30 +11; fromZonedTime gives 15:15Z (01:45 +10:30).
    expect(instant('2026-10-04T02:15', 'Australia/Lord_Howe')).toBe('2026-10-03T15:45:00.000Z');
    // the first instant after the gap is the gap's own start, read as it is
    expect(instant('2026-03-29T03:00', 'Europe/Berlin')).toBe('2026-03-29T01:00:00.000Z');
    expect(instant('2026-03-29T02:00', 'Europe/Berlin')).toBe('2026-03-29T01:00:00.000Z');
  });

  it('reads a time that occurs twice when clocks go back as its first occurrence', () => {
    // Berlin 2026-10-25 03:00 CEST -> 02:00 CET; fromZonedTime gives the second occurrence (01:30Z, CET).
    expect(instant('2026-10-25T02:30', 'Europe/Berlin')).toBe('2026-10-25T00:30:00.000Z');
    // New York 2026-11-01 02:00 EDT -> 01:00 EST; fromZonedTime agrees here (the first, EDT).
    expect(instant('2026-11-01T01:30', 'America/New_York')).toBe('2026-11-01T05:30:00.000Z');
    expect(iso(fromZonedTime('2026-11-01T01:30', 'America/New_York'))).toBe('2026-11-01T05:30:00.000Z');
    // Lord Howe 02:00 +11 -> 01:30 +10:30; fromZonedTime gives the second (15:15Z).
    expect(instant('2026-04-05T01:45', 'Australia/Lord_Howe')).toBe('2026-04-04T14:45:00.000Z');
    // just past the overlap there is one reading again
    expect(instant('2026-10-25T03:00', 'Europe/Berlin')).toBe('2026-10-25T02:00:00.000Z');
  });

  it('reads a skipped day: Apia went from 29 December 2011 (-10) straight to 31 December (+14)', () => {
    expect(instant('2011-12-29T23:59', 'Pacific/Apia')).toBe('2011-12-30T09:59:00.000Z');
    expect(instant('2011-12-31T00:00', 'Pacific/Apia')).toBe('2011-12-30T10:00:00.000Z');
    // 30 December never was: read with -10, a day on (fromZonedTime gives a day earlier, 29 December 12:00 -10)
    expect(instant('2011-12-30T00:00', 'Pacific/Apia')).toBe('2011-12-30T10:00:00.000Z');
    expect(instant('2011-12-30T12:00', 'Pacific/Apia')).toBe('2011-12-30T22:00:00.000Z');
    expect(reads(Date.parse(instant('2011-12-30T12:00', 'Pacific/Apia')), 'Pacific/Apia')).toBe('2011-12-31T12:00:00');
  });

  it('reads UTC as it is, and local mean times with their seconds', () => {
    expect(instant('2026-06-01T12:00', 'UTC')).toBe('2026-06-01T12:00:00.000Z');
    expect(instant('2026-03-29T02:30', 'UTC')).toBe('2026-03-29T02:30:00.000Z');
    // Madras time +05:21:10 (1870-1905) and Kolkata's local mean time +05:53:28
    expect(instant('1900-01-01T12:00', 'Asia/Kolkata')).toBe('1900-01-01T06:38:50.000Z');
    expect(instant('1850-01-01T12:00', 'Asia/Kolkata')).toBe('1850-01-01T06:06:32.000Z');
    // Dublin mean time -00:25:21
    expect(instant('1900-01-01T12:00', 'Europe/Dublin')).toBe('1900-01-01T12:25:21.000Z');
    // 1906: Kolkata went from +05:21:10 to +05:30 at midnight, skipping 8 min 50 s (fromZonedTime: 1905-12-31 23:56:10)
    expect(instant('1906-01-01T00:05', 'Asia/Kolkata')).toBe('1905-12-31T18:43:50.000Z');
    for (const [local, zone] of [['1900-01-01T12:00', 'Asia/Kolkata'], ['1850-01-01T12:00', 'Asia/Kolkata'], ['1900-01-01T12:00', 'Europe/Dublin'], ['1960-06-01T12:00:07', 'Africa/Monrovia']] as const) {
      expect(instant(local, zone), `${local} ${zone}`).toBe(iso(fromZonedTime(local, zone)));
    }
  });

  it('takes fields, which carry over as Date.UTC does, milliseconds and years below 100 included', () => {
    expect(iso(instantOfWallClock({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Berlin'))).toBe('2026-03-29T01:30:00.000Z');
    expect(iso(instantOfWallClock({ year: 2026, month: 1, day: 32 }, 'Europe/Berlin'))).toBe('2026-01-31T23:00:00.000Z');
    expect(iso(instantOfWallClock({ year: 2026, month: 7, day: 1, hour: 9, second: 5, millisecond: 250 }, 'Europe/Berlin'))).toBe('2026-07-01T07:00:05.250Z');
    // year 50 is not 1950
    expect(instantOfWallClock({ year: 50, month: 6, day: 1, hour: 12 }, 'UTC').getUTCFullYear()).toBe(50);
    // wallClock's answer goes back to the same instant
    const now = new Date('2026-10-25T00:30:00Z');
    expect(iso(instantOfWallClock(wallClock(now, 'Europe/Berlin'), 'Europe/Berlin'))).toBe(iso(now));
  });

  it('gives the Invalid Date for no time, and refuses a zone the runtime does not know', () => {
    expect(instantOfWallClock(Number.NaN, 'UTC').getTime()).toBeNaN();
    expect(instantOfWallClock({ year: 2026, month: Number.NaN, day: 1 }, 'UTC').getTime()).toBeNaN();
    expect(instantOfWallClock(8.64e15, 'UTC').getTime()).toBeNaN();
    expect(() => instantOfWallClock(0, 'Mars/Olympus')).toThrow(RangeError);
  });

  it.each(['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'America/St_Johns', 'Pacific/Chatham', 'Africa/Casablanca', 'Asia/Kathmandu'])(
    'agrees with fromZonedTime on unambiguous times of 2026 in %s, and follows the rule where one is not',
    (zone) => {
      // every 3 hours of the year, and every 5 minutes from a day before each change to a day after
      const walls = new Set<number>();
      for (let wall = Date.UTC(2026, 0, 1); wall < Date.UTC(2027, 0, 1); wall += 3 * 3_600_000) walls.add(wall);
      for (const { at } of findTransitions(zone, Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1))) {
        const day = Math.floor(at / DAY) * DAY;
        for (let wall = day - DAY; wall < day + 2 * DAY; wall += 5 * 60_000) walls.add(wall);
      }
      let ambiguous = 0;
      for (const wall of walls) {
        const local = new Date(wall).toISOString().slice(0, 19);
        // the instants that read `local`: the zone has one offset change at most within a day of it
        const offsets = [...new Set([getTimezoneOffset(zone, new Date(wall - DAY)), getTimezoneOffset(zone, new Date(wall + DAY))])];
        const readings = offsets.map((offset) => wall - offset).filter((ms) => reads(ms, zone) === local).sort((a, b) => a - b);
        const got = instantOfWallClock(wall, zone).getTime();
        if (readings.length === 1) {
          expect(got, local).toBe(fromZonedTime(local, zone).getTime());
        } else {
          ambiguous++;
          // twice: the first; never: the offset before the change
          expect(got, local).toBe(readings.length === 2 ? readings[0] : wall - getTimezoneOffset(zone, new Date(wall - DAY)));
        }
      }
      if (zone !== 'Asia/Kathmandu') expect(ambiguous).toBeGreaterThan(0);
    },
  );
});

describe('offsets from cached transitions', () => {
  it('finds the instants of a year of changes, and offsetAt answers as Intl does around each', () => {
    const transitions = findTransitions('Europe/Berlin', Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1));
    expect(transitions).toEqual([
      { at: Date.parse('2026-03-29T01:00:00Z'), from: 3600, to: 7200 },
      { at: Date.parse('2026-10-25T01:00:00Z'), from: 7200, to: 3600 },
    ]);
    for (const zone of ['Europe/Berlin', 'Australia/Lord_Howe', 'Pacific/Apia', 'Asia/Kolkata']) {
      for (const t of findTransitions(zone, Date.UTC(1900, 0, 1), Date.UTC(2030, 0, 1))) {
        for (const ms of [t.at - 1000, t.at - 1, t.at, t.at + 1000]) expect(offsetAt(zone, ms), `${zone} ${ms}`).toBe(offsetSecondsAt(ms, zone));
      }
    }
  });

  it('offsetForWallClock is the offset instantOfWallClock applies', () => {
    const wall = Date.parse('2026-03-29T02:30:00Z');
    expect(offsetForWallClock('Europe/Berlin', wall)).toBe(3600);
    expect(offsetForWallClock('Europe/Berlin', Date.parse('2026-10-25T02:30:00Z'))).toBe(7200);
  });
});
