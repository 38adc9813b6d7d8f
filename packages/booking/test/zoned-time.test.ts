import { describe, expect, it } from 'vitest';

import { wallClock, zonedIso } from '../src/zoned-time.js';

/** The booking domain's zone readings (Intl, the runtime's tz data, as @roombook/ical uses). */
describe('zoned time', () => {
  it('writes RFC 3339 local times with the zone offset of that instant, across DST', () => {
    expect(zonedIso(new Date('2025-07-15T08:00:00Z'), 'Europe/Berlin')).toBe('2025-07-15T10:00:00+02:00');
    expect(zonedIso(new Date('2025-01-15T08:00:00Z'), 'Europe/Berlin')).toBe('2025-01-15T09:00:00+01:00');
    // The spring switch: 01:59:59 CET is followed by 03:00:00 CEST.
    expect(zonedIso(new Date('2025-03-30T00:59:59Z'), 'Europe/Berlin')).toBe('2025-03-30T01:59:59+01:00');
    expect(zonedIso(new Date('2025-03-30T01:00:00Z'), 'Europe/Berlin')).toBe('2025-03-30T03:00:00+02:00');
    expect(zonedIso(new Date('2025-11-02T12:30:00Z'), 'America/New_York')).toBe('2025-11-02T07:30:00-05:00');
    expect(zonedIso(new Date('2025-06-01T00:00:00Z'), 'Asia/Kathmandu')).toBe('2025-06-01T05:45:00+05:45');
    expect(zonedIso(new Date('2025-06-01T00:00:00Z'), 'UTC')).toBe('2025-06-01T00:00:00Z');
    // Seconds are cut, not rounded (the instant is within that second).
    expect(zonedIso(new Date('2025-06-01T00:00:00.999Z'), 'Europe/London')).toBe('2025-06-01T01:00:00+01:00');
  });

  it('reads ISO weekdays and midnight as hour 0 on the local date', () => {
    // 22:30 UTC on a Sunday is Monday 00:30 in Berlin (summer).
    expect(wallClock(new Date('2025-07-13T22:30:00Z'), 'Europe/Berlin')).toMatchObject({ year: 2025, month: 7, day: 14, hour: 0, minute: 30, weekday: 1, offsetMinutes: 120 });
    expect(wallClock(new Date('2025-07-13T12:00:00Z'), 'Pacific/Auckland')).toMatchObject({ day: 14, weekday: 1, offsetMinutes: 720 });
    expect(wallClock(new Date('2025-07-20T12:00:00Z'), 'UTC')).toMatchObject({ weekday: 7, hour: 12 });
  });

  it('refuses a zone the runtime does not know', () => {
    expect(() => wallClock(new Date(), 'Mars/Olympus')).toThrow(RangeError);
  });
});
