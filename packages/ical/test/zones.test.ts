import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';

import { expandObject, IcalError } from '../src/index.js';
import { RuntimeTimezone } from '../src/runtime-zone.js';
import { zonedTime } from '../src/time.js';
import { resolveTzid } from '../src/tzid.js';
import { ROOM } from './helpers.js';

const WINTER_2026 = { from: new Date('2026-12-01T00:00:00Z'), to: new Date('2027-01-01T00:00:00Z') };

function object(tzid: string, date: string, extra: string[] = []): string {
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...extra,
    'BEGIN:VEVENT', 'UID:zone@example.com', 'DTSTAMP:20260101T000000Z',
    `DTSTART;TZID="${tzid}":${date}T100000`, `DTEND;TZID="${tzid}":${date}T110000`,
    'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');
}

const startOf = (ics: string, defaultTimeZone = 'UTC') =>
  expandObject(ics, { ...WINTER_2026, defaultTimeZone, roomAddresses: [ROOM] })[0]?.start.toISOString();

/** A VTIMEZONE for Sao Paulo as 2018's tables had it: summer time from the first Sunday of November. */
const SAO_PAULO_2018 = [
  'BEGIN:VTIMEZONE', 'TZID:America/Sao_Paulo',
  'BEGIN:STANDARD', 'DTSTART:19700215T000000', 'RRULE:FREQ=YEARLY;BYMONTH=2;BYDAY=3SU', 'TZOFFSETFROM:-0200', 'TZOFFSETTO:-0300', 'END:STANDARD',
  'BEGIN:DAYLIGHT', 'DTSTART:19701101T000000', 'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU', 'TZOFFSETFROM:-0300', 'TZOFFSETTO:-0200', 'END:DAYLIGHT',
  'END:VTIMEZONE',
];

describe('TZID resolution (issue 8)', () => {
  it('reads IANA names, deprecated aliases and Windows names with the runtime rules', () => {
    expect(startOf(object('America/Sao_Paulo', '20261210'))).toBe('2026-12-10T13:00:00.000Z'); // no DST since 2019
    expect(startOf(object('America/Mexico_City', '20261210'))).toBe('2026-12-10T16:00:00.000Z');
    expect(startOf(object('Europe/Kyiv', '20261210'))).toBe('2026-12-10T08:00:00.000Z'); // missing from 2018's tables
    expect(startOf(object('Europe/Kiev', '20261210'))).toBe('2026-12-10T08:00:00.000Z');
    expect(startOf(object('US/Eastern', '20261210'))).toBe('2026-12-10T15:00:00.000Z');
    expect(startOf(object('W. Europe Standard Time', '20261210'))).toBe('2026-12-10T09:00:00.000Z');
    expect(startOf(object('E. South America Standard Time', '20261210'))).toBe('2026-12-10T13:00:00.000Z');
    expect(startOf(object('Nepal Standard Time', '20261210'))).toBe('2026-12-10T04:15:00.000Z');
    expect(startOf(object('Lord Howe Standard Time', '20261210'))).toBe('2026-12-09T23:00:00.000Z'); // +11 in summer
  });

  it('maps Windows names through CLDR, not by guessing', () => {
    expect(resolveTzid('W. Europe Standard Time')).toBe('Europe/Berlin');
    expect(resolveTzid('Pacific Standard Time')).toBe('America/Los_Angeles');
    expect(resolveTzid('FLE Standard Time')).toMatch(/^Europe\/(Kiev|Kyiv)$/);
    expect(resolveTzid('Greenland Standard Time')).toMatch(/^America\/(Godthab|Nuuk)$/);
    expect(resolveTzid('(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna')).toBeNull();
    expect(resolveTzid('Office Time')).toBeNull();
  });

  it('prefers the current rules to a stale VTIMEZONE shipped for a zone name', () => {
    expect(startOf(object('America/Sao_Paulo', '20261210', SAO_PAULO_2018))).toBe('2026-12-10T13:00:00.000Z');
  });

  it('uses the VTIMEZONE shipped for a name it does not know, and refuses a name with neither', () => {
    const custom = SAO_PAULO_2018.map((l) => l.replace('America/Sao_Paulo', 'Brasilia (old rules)'));
    expect(startOf(object('Brasilia (old rules)', '20261210', custom))).toBe('2026-12-10T12:00:00.000Z');
    expect(() => startOf(object('Brasilia (old rules)', '20261210'))).toThrow(IcalError);
  });

  it('reads wall-clock times around DST changes as RFC 5545 says: a repeated time is its first occurrence, a skipped one uses the offset before', () => {
    const berlin = new RuntimeTimezone('Europe/Berlin', 'Europe/Berlin');
    const at = (fields: string) => {
      const [date, time] = fields.split('T') as [string, string];
      const [year, month, day] = date.split('-').map(Number) as [number, number, number];
      const [hour, minute] = time.split(':').map(Number) as [number, number];
      return new Date(new ICAL.Time({ year, month, day, hour, minute, second: 0, isDate: false }, berlin).toUnixTime() * 1000).toISOString();
    };
    expect(at('2026-10-25T02:30')).toBe('2026-10-25T00:30:00.000Z');
    expect(at('2026-03-29T02:30')).toBe('2026-03-29T01:30:00.000Z');
    expect(at('2026-03-29T03:30')).toBe('2026-03-29T01:30:00.000Z');
    const lordHowe = new RuntimeTimezone('Australia/Lord_Howe', 'Australia/Lord_Howe');
    const lh = new ICAL.Time({ year: 2026, month: 4, day: 5, hour: 1, minute: 45, second: 0, isDate: false }, lordHowe);
    expect(new Date(lh.toUnixTime() * 1000).toISOString()).toBe('2026-04-04T14:45:00.000Z'); // first 01:45 (+11)
  });

  it('writes an instant just after a transition on the right side of it (ical.js convertToZone does not)', () => {
    const berlin = new RuntimeTimezone('Europe/Berlin', 'Europe/Berlin');
    expect(zonedTime(Date.parse('2026-03-29T01:30:00Z'), berlin).toString()).toBe('2026-03-29T03:30:00');
    expect(zonedTime(Date.parse('2026-10-25T01:30:00Z'), berlin).toString()).toBe('2026-10-25T02:30:00');
    expect(zonedTime(Date.parse('2026-10-25T00:30:00Z'), berlin).toString()).toBe('2026-10-25T02:30:00');
  });
});
