import { describe, expect, it } from 'vitest';

import { addDays, compactDay, futureDay, futureWeekday, futureWorkday, isoWeekday, nextOffsetChange, offsetAtNoon, wallClockIso, wallClockLocalIso } from '../src/dates.js';

// A fixed "now" so the helper's own answers are checkable: Monday 2026-12-07, 23:30 in Berlin.
const now = new Date('2026-12-07T22:30:00Z');

describe('dates relative to today', () => {
  it('counts days from the local date in the zone, not from UTC', () => {
    expect(futureDay(0, 'Europe/Berlin', now)).toBe('2026-12-07');
    expect(futureDay(0, 'Asia/Kathmandu', now)).toBe('2026-12-08');
    expect(futureDay(40, 'Europe/Berlin', now)).toBe('2027-01-16');
  });

  it('moves days across month, year and leap-day boundaries', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-03-01', -1)).toBe('2027-02-28');
    expect(compactDay('2027-03-01')).toBe('20270301');
    expect(() => addDays('2027-3-1', 1)).toThrow(RangeError);
  });

  it('finds weekdays and working days on or after the offset', () => {
    expect(isoWeekday('2026-12-07')).toBe(1);
    expect(isoWeekday('2026-12-13')).toBe(7);
    expect(futureWeekday(3, 2, 'Europe/Berlin', now)).toBe('2026-12-09');
    expect(futureWeekday(3, 3, 'Europe/Berlin', now)).toBe('2026-12-16');
    // 2026-12-12 is a Saturday: the next working day is Monday the 14th.
    expect(futureWorkday(5, 'Europe/Berlin', now)).toBe('2026-12-14');
    expect(futureWorkday(4, 'Europe/Berlin', now)).toBe('2026-12-11');
  });

  it('finds the next change of UTC offset in either direction', () => {
    expect(nextOffsetChange('Europe/Berlin', 'forward', 30, now)).toEqual({ day: '2027-03-28', before: 60, after: 120 });
    expect(nextOffsetChange('Europe/Berlin', 'back', 30, now)).toEqual({ day: '2027-10-31', before: 120, after: 60 });
    expect(nextOffsetChange('America/New_York', 'forward', 30, now)).toEqual({ day: '2027-03-14', before: -300, after: -240 });
    expect(() => nextOffsetChange('Asia/Kathmandu', 'forward', 30, now)).toThrow(/no forward offset change/);
  });

  it('reads wall-clock times in a zone with the offset of that day', () => {
    expect(offsetAtNoon('Europe/Berlin', '2027-01-04')).toBe(60);
    expect(offsetAtNoon('Asia/Kathmandu', '2027-01-04')).toBe(345);
    expect(wallClockIso('2027-01-04', '10:00')).toBe('2027-01-04T09:00:00.000Z');
    expect(wallClockIso('2027-07-05', '10:00', 'Europe/Berlin')).toBe('2027-07-05T08:00:00.000Z');
    expect(wallClockIso('2027-07-05', '10:00', 'America/New_York')).toBe('2027-07-05T14:00:00.000Z');
    expect(wallClockLocalIso('2027-01-04', '10:00')).toBe('2027-01-04T10:00:00+01:00');
    expect(wallClockLocalIso('2027-07-05', '10:00', 'America/New_York')).toBe('2027-07-05T10:00:00-04:00');
    expect(wallClockLocalIso('2027-07-05', '10:00', 'Asia/Kathmandu')).toBe('2027-07-05T10:00:00+05:45');
    expect(wallClockLocalIso('2027-07-05', '10:00', 'UTC')).toBe('2027-07-05T10:00:00+00:00');
  });
});
