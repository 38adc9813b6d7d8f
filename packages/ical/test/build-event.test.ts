import { foldLines } from 'ical-generator';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';

import { buildEvent, expandObject, IcalError, objectUid } from '../src/index.js';

const base = {
  uid: 'V1StGXR8Z5jdHi6BmyT4Ab',
  summary: 'Budget review; Q2, final',
  start: new Date('2026-03-30T07:00:00Z'),
  end: new Date('2026-03-30T08:30:00Z'),
  created: new Date('2026-03-01T10:00:00Z'),
  stamp: new Date('2026-03-01T10:00:05Z'),
};

function parse(ics: string): { root: ICAL.Component; event: ICAL.Component } {
  const root = new ICAL.Component(ICAL.parse(ics) as unknown[]);
  const event = root.getFirstSubcomponent('vevent');
  if (!event) throw new Error('no VEVENT');
  return { root, event };
}

function instant(event: ICAL.Component, name: string): string {
  const value = event.getFirstPropertyValue(name);
  if (!(value instanceof ICAL.Time)) throw new Error(`${name} is not a time`);
  return value.toJSDate().toISOString();
}

describe('buildEvent', () => {
  it('writes a zoned event: TZID + VTIMEZONE, exact instants, all fields, no METHOD', () => {
    const ics = buildEvent({
      ...base,
      timeZone: 'Europe/Berlin',
      description: 'Token: PRIO-123\nSecond line',
      organizer: 'Anna Schmidt <Anna.Schmidt@Example.org>',
    });
    const { root, event } = parse(ics);
    expect(root.getFirstPropertyValue('prodid')).toMatch(/roombook/);
    expect(root.hasProperty('method')).toBe(false);
    expect(root.getAllSubcomponents('vtimezone').map((z) => z.getFirstPropertyValue('tzid'))).toEqual(['Europe/Berlin']);
    expect(event.getFirstPropertyValue('uid')).toBe(base.uid);
    expect(event.getFirstPropertyValue('summary')).toBe('Budget review; Q2, final');
    expect(event.getFirstPropertyValue('description')).toBe('Token: PRIO-123\nSecond line');
    expect(event.getFirstProperty('dtstart')?.toICALString()).toBe('DTSTART;TZID=Europe/Berlin:20260330T090000');
    expect(event.getFirstProperty('dtend')?.toICALString()).toBe('DTEND;TZID=Europe/Berlin:20260330T103000');
    // ical.js resolves the TZID through the VTIMEZONE shipped in the file
    expect(instant(event, 'dtstart')).toBe('2026-03-30T07:00:00.000Z');
    expect(instant(event, 'dtend')).toBe('2026-03-30T08:30:00.000Z');
    expect(event.getFirstProperty('dtstamp')?.toICALString()).toBe('DTSTAMP:20260301T100005Z');
    expect(event.getFirstProperty('created')?.toICALString()).toBe('CREATED:20260301T100000Z');
    const organizer = event.getFirstProperty('organizer');
    expect(organizer?.getFirstValue()).toBe('mailto:anna.schmidt@example.org');
    expect(organizer?.getParameter('cn')).toBe('Anna Schmidt');
    expect(ics).toContain('\r\n');
    expect(ics.split('\r\n').every((line) => !line.includes('\n'))).toBe(true);
  });

  it('writes the local time of the right side of a DST change (winter instant, same zone)', () => {
    const ics = buildEvent({ ...base, start: new Date('2026-03-27T08:00:00Z'), end: new Date('2026-03-27T09:00:00Z'), timeZone: 'Europe/Berlin' });
    expect(parse(ics).event.getFirstProperty('dtstart')?.toICALString()).toBe('DTSTART;TZID=Europe/Berlin:20260327T090000');
  });

  it('round-trips through expandObject and objectUid', () => {
    const ics = buildEvent({ ...base, timeZone: 'America/New_York', organizer: 'MAILTO:Boss@Example.com' });
    expect(objectUid(ics)).toBe(base.uid);
    const [occurrence, ...rest] = expandObject(ics, {
      from: new Date('2026-03-01T00:00:00Z'),
      to: new Date('2026-04-30T00:00:00Z'),
      defaultTimeZone: 'UTC',
      roomAddresses: [],
    });
    expect(rest).toEqual([]);
    expect(occurrence).toMatchObject({
      uid: base.uid,
      start: base.start,
      end: base.end,
      summary: base.summary,
      organizer: 'boss@example.com',
      created: base.created,
      dtstamp: new Date('2026-03-01T10:00:05Z'),
      description: null,
      isRecurring: false,
    });
    expect(parse(ics).event.getFirstProperty('dtstart')?.toICALString()).toBe('DTSTART;TZID=America/New_York:20260330T030000');
  });

  it('writes UTC as Z times without a VTIMEZONE', () => {
    const ics = buildEvent({ ...base, timeZone: 'UTC' });
    const { root, event } = parse(ics);
    expect(root.getAllSubcomponents('vtimezone')).toEqual([]);
    expect(event.getFirstProperty('dtstart')?.toICALString()).toBe('DTSTART:20260330T070000Z');
    expect(event.getFirstProperty('dtend')?.toICALString()).toBe('DTEND:20260330T083000Z');
    expect(event.hasProperty('organizer')).toBe(false);
    expect(event.hasProperty('description')).toBe(false);
  });

  it('rejects an unknown zone and an end not after the start', () => {
    expect(() => buildEvent({ ...base, timeZone: 'Mars/Olympus' })).toThrow(IcalError);
    expect(() => buildEvent({ ...base, end: base.start, timeZone: 'UTC' })).toThrow(IcalError);
  });

  it('writes a priority mark that expansion reads back, on every occurrence', () => {
    const ics = buildEvent({
      uid: 'prio-1',
      summary: 'Board',
      start: new Date('2026-03-30T07:00:00Z'),
      end: new Date('2026-03-30T08:00:00Z'),
      timeZone: 'Europe/Berlin',
      created: new Date('2026-03-01T00:00:00Z'),
      stamp: new Date('2026-03-01T00:00:00Z'),
      priorityMark: 'mark-abc',
    });
    expect(ics).toContain('X-ROOMBOOK-PRIORITY:mark-abc');
    const [occurrence] = expandObject(ics, { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-30T00:00:00Z'), defaultTimeZone: 'UTC', roomAddresses: [] });
    expect(occurrence?.priorityMark).toBe('mark-abc');
  });
});

describe('buildEvent folding', () => {
  // The VTIMEZONE goes in after ical-generator's folding (its folding costs ~0.5 µs a character);
  // folded by vtimezoneText, the text must be what ical-generator folding all of it gives.
  it('folds every line as ical-generator does, for every zone the runtime knows, series and long rules included', () => {
    const unfold = (text: string) => text.replace(/\r\n /g, '');
    let longLines = 0;
    for (const timeZone of Intl.supportedValuesOf('timeZone')) {
      for (const start of [new Date(Date.UTC(1999, 2, 4, 8)), new Date(Date.UTC(2027, 6, 4, 8))]) {
        const text = buildEvent({
          uid: 'fold', summary: 'Ünïcode summary long enough to be folded somewhere past seventy-five octets ✓ 😀',
          start, end: new Date(start.getTime() + 3_600_000), timeZone, created: start, stamp: start,
          ...(start.getUTCMonth() === 6 && { rrule: 'FREQ=WEEKLY;COUNT=3' }),
        });
        expect(text, timeZone).toBe(foldLines(unfold(text)));
        longLines += unfold(text).split('\r\n').filter((line) => line.startsWith('RRULE:FREQ=YEARLY') && line.length > 75).length;
      }
    }
    // Some zones' rules (Brazil's 1999 BYMONTHDAY rules) do need folding: the check above saw them.
    expect(longLines).toBeGreaterThan(0);
  });
});

