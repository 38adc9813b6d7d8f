import { describe, expect, it } from 'vitest';

import { canonicalZoneName, daysInMonth, isTimeZone, offsetSecondsAt, wallClock } from '../src/index.js';

const at = (iso: string) => Date.parse(iso);

describe('offsetSecondsAt', () => {
  it('reads whole-hour, half-hour and quarter-hour offsets, east positive', () => {
    expect(offsetSecondsAt(at('2025-01-15T12:00:00Z'), 'Europe/Berlin')).toBe(3600);
    expect(offsetSecondsAt(at('2025-01-15T12:00:00Z'), 'Asia/Kolkata')).toBe(19_800);
    expect(offsetSecondsAt(at('2025-01-15T12:00:00Z'), 'Asia/Kathmandu')).toBe(20_700);
  });

  it('reads negative offsets, and zero for UTC and zones on UTC', () => {
    expect(offsetSecondsAt(at('2025-01-15T12:00:00Z'), 'America/New_York')).toBe(-5 * 3600);
    expect(offsetSecondsAt(at('2025-01-15T12:00:00Z'), 'America/St_Johns')).toBe(-(3 * 3600 + 30 * 60));
    expect(offsetSecondsAt(at('2025-01-15T12:00:00Z'), 'UTC')).toBe(0);
    expect(offsetSecondsAt(at('2025-01-15T12:00:00Z'), 'Europe/London')).toBe(0);
  });

  it('reads offsets with seconds: Monrovia until 1972 and local mean times', () => {
    // Liberia kept -00:44:30 until 1972.
    expect(offsetSecondsAt(at('1970-01-01T00:00:00Z'), 'Africa/Monrovia')).toBe(-(44 * 60 + 30));
    // Kolkata before standard time: +05:53:28
    expect(offsetSecondsAt(at('1850-01-01T00:00:00Z'), 'Asia/Kolkata')).toBe(5 * 3600 + 53 * 60 + 28);
  });

  it('changes at the instant of a DST change, not a second earlier', () => {
    // Berlin, spring 2025: 01:00 UTC is 02:00 CET -> 03:00 CEST.
    expect(offsetSecondsAt(at('2025-03-30T00:59:59Z'), 'Europe/Berlin')).toBe(3600);
    expect(offsetSecondsAt(at('2025-03-30T01:00:00Z'), 'Europe/Berlin')).toBe(7200);
    // New York, autumn 2025: 06:00 UTC is 02:00 EDT -> 01:00 EST.
    expect(offsetSecondsAt(at('2025-11-02T05:59:59Z'), 'America/New_York')).toBe(-4 * 3600);
    expect(offsetSecondsAt(at('2025-11-02T06:00:00Z'), 'America/New_York')).toBe(-5 * 3600);
  });

  it('refuses a zone the runtime does not know', () => {
    expect(() => offsetSecondsAt(0, 'Mars/Olympus')).toThrow(RangeError);
    expect(() => offsetSecondsAt(0, '')).toThrow(RangeError);
  });
});

describe('wallClock', () => {
  it('reads the local fields, the ISO weekday and the offset of an instant', () => {
    // 22:30 UTC on a Sunday is Monday 00:30 in Berlin (summer): midnight is hour 0, not 24.
    expect(wallClock(new Date('2025-07-13T22:30:15Z'), 'Europe/Berlin')).toEqual({
      year: 2025, month: 7, day: 14, hour: 0, minute: 30, second: 15, weekday: 1, offsetMinutes: 120, offsetSeconds: 7200,
    });
    expect(wallClock(new Date('2025-07-20T03:00:00Z'), 'America/Los_Angeles')).toEqual({
      year: 2025, month: 7, day: 19, hour: 20, minute: 0, second: 0, weekday: 6, offsetMinutes: -420, offsetSeconds: -25_200,
    });
    expect(wallClock(new Date('2025-07-20T12:00:00Z'), 'UTC')).toMatchObject({ weekday: 7, hour: 12, offsetSeconds: 0 });
  });

  it('agrees with offsetSecondsAt, seconds included, and cuts the instant to its second', () => {
    const monrovia = wallClock(new Date('1970-01-01T00:00:00.999Z'), 'Africa/Monrovia');
    expect(monrovia).toMatchObject({ year: 1969, month: 12, day: 31, hour: 23, minute: 15, second: 30, offsetSeconds: -2670, offsetMinutes: -44 });
    for (const iso of ['2025-03-30T00:59:59Z', '2025-03-30T01:00:00Z', '1850-01-01T00:00:00Z']) {
      for (const zone of ['Europe/Berlin', 'Asia/Kolkata', 'America/Sao_Paulo']) {
        expect(wallClock(new Date(iso), zone).offsetSeconds).toBe(offsetSecondsAt(at(iso), zone));
      }
    }
  });

  it('refuses a zone the runtime does not know', () => {
    expect(() => wallClock(new Date(), 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('zone names', () => {
  it('gives the canonical name of known ids in any case, and null for unknown or blank ones', () => {
    expect(canonicalZoneName('europe/berlin')).toBe('Europe/Berlin');
    expect(canonicalZoneName('Europe/Berlin')).toBe('Europe/Berlin');
    expect(canonicalZoneName('utc')).toBe('UTC');
    expect(canonicalZoneName('Mars/Olympus')).toBeNull();
    expect(canonicalZoneName('')).toBeNull();
    expect(canonicalZoneName('  ')).toBeNull();
    expect(canonicalZoneName('Europe/Berlin ')).toBeNull();
  });

  it('answers isTimeZone as the runtime does', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});

describe('daysInMonth', () => {
  it('knows leap years by the Gregorian rule and has no days for a month that does not exist', () => {
    expect([1, 2, 3, 4, 12].map((month) => daysInMonth(2027, month))).toEqual([31, 28, 31, 30, 31]);
    expect([2028, 2000, 1900, 0].map((year) => daysInMonth(year, 2))).toEqual([29, 29, 28, 29]);
    expect([0, 13, Number.NaN].map((month) => daysInMonth(2027, month))).toEqual([0, 0, 0]);
  });
});
