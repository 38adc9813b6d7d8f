import { describe, expect, it } from 'vitest';

import { buildEvent, excludeOccurrence, expandObject, IcalError, parseBookingRrule, seriesOccurrences } from '../src/index.js';

const BERLIN = 'Europe/Berlin';
const created = new Date('2027-01-01T00:00:00Z');

function weeklyBooking(rrule: string, exdates: Date[] = []) {
  return buildEvent({
    uid: 'series-1',
    summary: 'Weekly',
    start: new Date('2027-03-22T17:00:00Z'), // Monday 18:00 CET
    end: new Date('2027-03-22T18:00:00Z'),
    timeZone: BERLIN,
    rrule: parseBookingRrule(rrule, BERLIN).value,
    exdates,
    created,
    stamp: created,
  });
}

describe('parseBookingRrule', () => {
  it('accepts DAILY/WEEKLY/MONTHLY with INTERVAL, BYDAY, BYMONTHDAY and one of COUNT/UNTIL', () => {
    expect(parseBookingRrule('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=10', BERLIN).value).toBe('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=10');
    expect(parseBookingRrule('RRULE:freq=monthly;bymonthday=15;count=3', BERLIN).value).toBe('FREQ=MONTHLY;BYMONTHDAY=15;COUNT=3');
  });

  it('writes UNTIL in UTC: a date means through that day, a local time is the room\'s wall clock', () => {
    expect(parseBookingRrule('FREQ=DAILY;UNTIL=20270630', BERLIN).value).toBe('FREQ=DAILY;UNTIL=20270630T215959Z');
    expect(parseBookingRrule('FREQ=DAILY;UNTIL=20270115T180000', BERLIN).value).toBe('FREQ=DAILY;UNTIL=20270115T170000Z');
    expect(parseBookingRrule('FREQ=DAILY;UNTIL=20270115T180000Z', BERLIN).value).toBe('FREQ=DAILY;UNTIL=20270115T180000Z');
  });

  it('refuses other frequencies, parts, both or neither of COUNT/UNTIL, bad values', () => {
    for (const bad of ['FREQ=YEARLY;COUNT=2', 'FREQ=HOURLY;COUNT=2', 'FREQ=DAILY', 'FREQ=DAILY;COUNT=2;UNTIL=20270101', 'FREQ=DAILY;COUNT=0', 'FREQ=DAILY;BYHOUR=9;COUNT=2', 'FREQ=WEEKLY;BYDAY=XX;COUNT=2', 'FREQ=MONTHLY;BYMONTHDAY=32;COUNT=2', 'garbage']) {
      expect(() => parseBookingRrule(bad, BERLIN), bad).toThrow(IcalError);
    }
  });
});

describe('a booked series', () => {
  it('keeps its wall-clock time across the DST switch, with EXDATE written like DTSTART', () => {
    const ics = weeklyBooking('FREQ=WEEKLY;BYDAY=MO;COUNT=3', [new Date('2027-03-29T16:00:00Z')]);
    expect(ics).toContain('RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3');
    expect(ics).toContain('EXDATE;TZID=Europe/Berlin:20270329T180000');
    const starts = expandObject(ics, { from: new Date('2027-03-01T00:00:00Z'), to: new Date('2027-05-01T00:00:00Z'), defaultTimeZone: BERLIN, roomAddresses: [] }).map((o) => o.start.toISOString());
    expect(starts).toEqual(['2027-03-22T17:00:00.000Z', '2027-04-05T16:00:00.000Z']);
  });

  it('lists its occurrences, one more than the limit at most', () => {
    expect(seriesOccurrences(weeklyBooking('FREQ=WEEKLY;COUNT=3'), BERLIN).map((o) => o.start.toISOString())).toEqual([
      '2027-03-22T17:00:00.000Z',
      '2027-03-29T16:00:00.000Z',
      '2027-04-05T16:00:00.000Z',
    ]);
    expect(seriesOccurrences(weeklyBooking('FREQ=DAILY;COUNT=1000'), BERLIN)).toHaveLength(367);
    expect(seriesOccurrences(weeklyBooking('FREQ=MONTHLY;INTERVAL=12;COUNT=20'), BERLIN)).toHaveLength(20);
  });

  it('cancels one occurrence with an EXDATE, idempotently, and refuses one that is not there', () => {
    const ics = weeklyBooking('FREQ=WEEKLY;COUNT=3');
    const once = excludeOccurrence(ics, { recurrenceId: '2027-03-29T16:00:00.000Z', now: created, defaultTimeZone: BERLIN });
    expect(once).toContain('EXDATE;TZID=Europe/Berlin:20270329T180000');
    const starts = (text: string) => expandObject(text, { from: new Date('2027-03-01T00:00:00Z'), to: new Date('2027-05-01T00:00:00Z'), defaultTimeZone: BERLIN, roomAddresses: [] }).length;
    expect(starts(once)).toBe(2);
    expect(() => excludeOccurrence(once, { recurrenceId: '2027-03-29T16:00:00.000Z', now: created, defaultTimeZone: BERLIN })).toThrow(IcalError);
    expect(() => excludeOccurrence(ics, { recurrenceId: '2027-03-30T16:00:00.000Z', now: created, defaultTimeZone: BERLIN })).toThrow(/not an occurrence/);
  });
});
