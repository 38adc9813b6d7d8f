import { describe, expect, it } from 'vitest';

import { checkBooking, checkBookingRules, OpeningHoursError, parseOpeningHours, withinOpeningHours, type BookingRules } from '../src/index.js';
import { TOKEN, single } from './fixtures.js';

const BERLIN = 'Europe/Berlin';
const NOW = new Date('2027-03-01T08:00:00Z'); // Monday 09:00 in Berlin
const NO_RULES: BookingRules = { maxDaysAhead: null, minMinutes: null, maxMinutes: null, openingHours: null };
const slot = (start: string, end: string) => ({ start: new Date(start), end: new Date(end) });

describe('opening hours', () => {
  it('reads day ranges, single days and spans, wrapping Fri-Mon past Sunday', () => {
    expect(parseOpeningHours('Mon-Fri 07:00-20:00, Sat 09:00-13:00')).toEqual([
      { days: [1, 2, 3, 4, 5], fromMinute: 420, toMinute: 1200 },
      { days: [6], fromMinute: 540, toMinute: 780 },
    ]);
    expect(parseOpeningHours('fri-mon 08:00-24:00')[0]!.days).toEqual([5, 6, 7, 1]);
  });

  it('refuses what it cannot read, saying what is wrong', () => {
    expect(() => parseOpeningHours('Mon-Fry 07:00-20:00')).toThrow(/"Fry" .* is not a weekday/);
    expect(() => parseOpeningHours('Mon 20:00-07:00')).toThrow(OpeningHoursError);
    expect(() => parseOpeningHours('Mon 7-20')).toThrow(/not a time of day/);
    expect(() => parseOpeningHours('')).toThrow(/empty/);
  });

  it('reads the room\'s wall clock on both sides of a DST switch', () => {
    const spans = parseOpeningHours('Mon-Fri 07:00-19:00');
    // 18:00-19:00 Berlin: 17:00Z in winter, 16:00Z in summer
    expect(withinOpeningHours(slot('2027-03-22T17:00:00Z', '2027-03-22T18:00:00Z'), spans, BERLIN)).toBe(true);
    expect(withinOpeningHours(slot('2027-03-29T16:00:00Z', '2027-03-29T17:00:00Z'), spans, BERLIN)).toBe(true);
    // the same UTC times a week later are 19:00-20:00 in summer: outside
    expect(withinOpeningHours(slot('2027-03-29T17:00:00Z', '2027-03-29T18:00:00Z'), spans, BERLIN)).toBe(false);
  });

  it('needs the booking inside one span: not across two, not past midnight, 24:00 closes the day', () => {
    const spans = parseOpeningHours('Mon 08:00-12:00, Mon 12:00-18:00, Tue 20:00-24:00');
    expect(withinOpeningHours(slot('2027-03-01T10:00:00Z', '2027-03-01T12:00:00Z'), spans, BERLIN)).toBe(false);
    expect(withinOpeningHours(slot('2027-03-02T21:00:00Z', '2027-03-02T23:00:00Z'), spans, BERLIN)).toBe(true); // Tue 22:00-24:00
    expect(withinOpeningHours(slot('2027-03-02T21:00:00Z', '2027-03-02T23:30:00Z'), spans, BERLIN)).toBe(false);
  });
});

describe('checkBookingRules', () => {
  const ctx = { now: NOW, timeZone: BERLIN };
  it('allows five minutes of grace for the past, not more', () => {
    expect(checkBookingRules(slot('2027-03-01T07:56:00Z', '2027-03-01T09:00:00Z'), NO_RULES, ctx)).toBeNull();
    expect(checkBookingRules(slot('2027-03-01T07:54:00Z', '2027-03-01T09:00:00Z'), NO_RULES, ctx)).toMatchObject({ rule: 'past' });
  });

  it('names the first rule broken, with a sentence in the room\'s time', () => {
    const rules: BookingRules = { maxDaysAhead: 10, minMinutes: 30, maxMinutes: 120, openingHours: 'Mon-Fri 08:00-18:00' };
    expect(checkBookingRules(slot('2027-03-02T09:00:00Z', '2027-03-02T09:15:00Z'), rules, ctx)).toEqual({
      rule: 'min-minutes',
      detail: 'the booking lasts 15 minutes; this room is booked for at least 30 minutes',
    });
    expect(checkBookingRules(slot('2027-03-02T09:00:00Z', '2027-03-02T12:00:00Z'), rules, ctx)?.rule).toBe('max-minutes');
    expect(checkBookingRules(slot('2027-03-15T09:00:00Z', '2027-03-15T10:00:00Z'), rules, ctx)?.rule).toBe('max-days-ahead');
    const evening = checkBookingRules(slot('2027-03-02T17:30:00Z', '2027-03-02T18:30:00Z'), rules, ctx);
    expect(evening).toEqual({ rule: 'opening-hours', detail: "the booking Tue 2027-03-02 18:30 (Europe/Berlin) to 19:30 is outside the room's opening hours (Mon-Fri 08:00-18:00)" });
    expect(checkBookingRules(slot('2027-03-02T09:00:00Z', '2027-03-02T10:00:00Z'), rules, ctx)).toBeNull();
  });
});

describe('checkBooking: the clear\'s rules at booking time', () => {
  const taken = single('u-taken', 'Taken', '2027-03-02T09:00:00Z', '2027-03-02T10:00:00Z', '2027-01-01T00:00:00Z');
  const base = { prioritized: false, priorityTokens: [TOKEN], seriesMaxConflicts: 0, isSeries: false, now: NOW };

  it('refuses an overlap and lists what is in the way; touching is fine', () => {
    expect(checkBooking({ ...base, slots: [slot('2027-03-02T09:30:00Z', '2027-03-02T10:30:00Z')], existing: [taken] })).toMatchObject({
      verdict: 'reject',
      clashes: [{ conflicts: [taken] }],
    });
    expect(checkBooking({ ...base, slots: [slot('2027-03-02T10:00:00Z', '2027-03-02T11:00:00Z')], existing: [taken] })).toEqual({ verdict: 'accept', skipped: [] });
  });

  it('is not blocked by cancelled, declined, transparent, ended occurrences or a cancelled series', () => {
    const wanted = [slot('2027-03-01T07:30:00Z', '2027-03-01T09:30:00Z')];
    const blockers = [
      { ...taken, start: new Date('2027-03-01T07:00:00Z'), end: new Date('2027-03-01T07:45:00Z') }, // ended before NOW
      { ...taken, uid: 'c', start: new Date('2027-03-01T08:30:00Z'), status: 'CANCELLED' as const },
      { ...taken, uid: 'd', start: new Date('2027-03-01T08:30:00Z'), roomPartstat: 'DECLINED' },
      { ...taken, uid: 't', start: new Date('2027-03-01T08:30:00Z'), transparent: true },
      { ...taken, uid: 's', start: new Date('2027-03-01T08:30:00Z'), isRecurring: true, recurrenceId: 'x', masterCancelled: true },
    ].map((o) => ({ ...o, end: o.uid === 'u-taken' ? o.end : new Date('2027-03-01T09:00:00Z') }));
    expect(checkBooking({ ...base, slots: wanted, existing: blockers })).toEqual({ verdict: 'accept', skipped: [] });
  });

  it('lets a prioritized booking over ordinary ones; only a prioritized one (flag or token) blocks it', () => {
    const wanted = [slot('2027-03-02T09:30:00Z', '2027-03-02T10:30:00Z')];
    expect(checkBooking({ ...base, prioritized: true, slots: wanted, existing: [taken] }).verdict).toBe('accept');
    const byToken = { ...taken, description: `VIP ${TOKEN}` };
    expect(checkBooking({ ...base, prioritized: true, slots: wanted, existing: [byToken] }).verdict).toBe('reject');
    expect(checkBooking({ ...base, prioritized: true, slots: wanted, existing: [{ ...taken, prioritizedFlag: true }] }).verdict).toBe('reject');
  });

  it('skips up to N clashing occurrences of a series, and refuses with every clash beyond that', () => {
    const weekly = [0, 7, 14].map((d) => slot(new Date(Date.parse('2027-03-02T09:30:00Z') + d * 86_400_000).toISOString(), new Date(Date.parse('2027-03-02T10:30:00Z') + d * 86_400_000).toISOString()));
    const later = { ...taken, uid: 'u2', start: new Date('2027-03-16T09:00:00Z'), end: new Date('2027-03-16T10:00:00Z') };
    const series = { ...base, isSeries: true, slots: weekly, existing: [taken, later] };
    expect(checkBooking({ ...series, seriesMaxConflicts: 2 })).toMatchObject({ verdict: 'accept', skipped: [{ start: weekly[0]!.start }, { start: weekly[2]!.start }] });
    const refused = checkBooking({ ...series, seriesMaxConflicts: 1 });
    expect(refused.verdict).toBe('reject');
    expect(refused.verdict === 'reject' && refused.clashes.map((c) => c.start)).toEqual([weekly[0]!.start, weekly[2]!.start]);
    // a series whose every occurrence clashes is refused, whatever the threshold
    expect(checkBooking({ ...series, slots: [weekly[0]!], seriesMaxConflicts: 5 }).verdict).toBe('reject');
    // a single booking never skips
    expect(checkBooking({ ...base, seriesMaxConflicts: 5, slots: [weekly[0]!], existing: [taken] }).verdict).toBe('reject');
  });
});
