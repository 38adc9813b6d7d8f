import { describe, expect, it } from 'vitest';

import { expandCalendar, type ExpandSettings } from '../src/clearing/occurrences.js';
import { createPriorityMarker } from '../src/priority-mark.js';

const settings: ExpandSettings = {
  from: new Date('2026-12-01T00:00:00Z'),
  to: new Date('2027-01-01T00:00:00Z'),
  timeZone: 'Europe/Berlin',
  roomAddresses: [],
  isPriorityMarkValid: ({ uid }, mark) => uid === 'marked' && mark === 'good',
};

const object = (href: string, lines: string[]) => ({
  href,
  etag: '"1"',
  data: ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', 'DTSTAMP:20260101T000000Z', ...lines, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n'),
});

describe('expanding a fetched calendar for the planner', () => {
  it('sets aside objects that cannot be planned, and keeps the rest', () => {
    const { occurrences, unreadable } = expandCalendar(
      [
        object('/ok.ics', ['UID:ok', 'DTSTART:20261210T100000Z', 'DTEND:20261210T110000Z', 'SUMMARY:Fine']),
        object('/inverted.ics', ['UID:inverted', 'DTSTART:20261210T100000Z', 'DTEND:20261210T090000Z', 'SUMMARY:Backwards']),
        { href: '/garbage.ics', etag: null, data: 'not iCalendar at all' },
      ],
      settings,
    );
    expect(occurrences.map((o) => [o.objectId, o.uid, o.name])).toEqual([['/ok.ics', 'ok', 'Fine']]);
    expect(unreadable.map((u) => u.href)).toEqual(['/inverted.ics', '/garbage.ics']);
    expect(unreadable[0]!.error).toMatch(/ends before it starts/);
  });

  it('sets aside an object whose TZID names no zone and defines none, and reports a runaway series it cut off', () => {
    const { occurrences, unreadable, truncated } = expandCalendar(
      [
        object('/unknown-zone.ics', ['UID:unknown-zone', 'DTSTART;TZID=Office Time:20261210T100000', 'DTEND;TZID=Office Time:20261210T110000']),
        object('/windows.ics', ['UID:windows', 'DTSTART;TZID=W. Europe Standard Time:20261210T100000', 'DTEND;TZID=W. Europe Standard Time:20261210T110000']),
        object('/runaway.ics', ['UID:runaway', 'DTSTART:20261101T000000Z', 'DURATION:PT1S', 'RRULE:FREQ=SECONDLY']),
      ],
      settings,
    );
    expect(unreadable).toEqual([{ href: '/unknown-zone.ics', error: expect.stringMatching(/unknown time zone "Office Time"/) }]);
    expect(occurrences.map((o) => [o.uid, o.start.toISOString()])).toEqual([['windows', '2026-12-10T09:00:00.000Z']]);
    expect(truncated).toEqual([{ href: '/runaway.ics', uid: 'runaway', limit: 50_000, expandedUntil: new Date(Date.UTC(2026, 10, 1) + 49_999_000) }]);
  });

  it('treats an object of overrides only as a series, and honours only genuine priority marks', () => {
    const { occurrences } = expandCalendar(
      [
        object('/override.ics', ['UID:series-elsewhere', 'RECURRENCE-ID:20261214T090000Z', 'DTSTART:20261214T090000Z', 'DTEND:20261214T100000Z']),
        object('/marked.ics', ['UID:marked', 'X-ROOMBOOK-PRIORITY:good', 'DTSTART:20261215T090000Z', 'DTEND:20261215T100000Z']),
        object('/copied.ics', ['UID:copied', 'X-ROOMBOOK-PRIORITY:good', 'DTSTART:20261216T090000Z', 'DTEND:20261216T100000Z']),
      ],
      settings,
    );
    const byUid = Object.fromEntries(occurrences.map((o) => [o.uid, o]));
    expect(byUid['series-elsewhere']).toMatchObject({ isRecurring: true, recurrenceId: '2026-12-14T09:00:00.000Z' });
    expect(byUid['marked']!.prioritizedFlag).toBe(true);
    expect(byUid['copied']!.prioritizedFlag).toBe(false);
  });

  it('keeps a prioritized series prioritized on every occurrence, and a copy of it moved in time on none', () => {
    // The mark binds the series' own DTSTART/DTEND (what the create job signed), not each occurrence's.
    const marker = createPriorityMarker('test-secret-key-0123456789');
    const first = { start: new Date('2026-12-02T09:00:00Z'), end: new Date('2026-12-02T10:00:00Z') };
    const mark = marker.mark({ calendarId: 3, uid: 'weekly', ...first });
    const series = (uid: string, dtstart: string, dtend: string) =>
      object(`/${uid}.ics`, [`UID:${uid}`, `DTSTART:${dtstart}`, `DTEND:${dtend}`, 'RRULE:FREQ=WEEKLY;COUNT=4', 'SUMMARY:Board', `X-ROOMBOOK-PRIORITY:${mark}`]);
    const { occurrences } = expandCalendar(
      [series('weekly', '20261202T090000Z', '20261202T100000Z'), series('weekly-moved', '20261202T110000Z', '20261202T120000Z')],
      { ...settings, isPriorityMarkValid: (booking, candidate) => marker.verify({ calendarId: 3, ...booking }, candidate) },
    );
    const flags = (uid: string) => occurrences.filter((o) => o.uid === uid).map((o) => o.prioritizedFlag);
    expect(flags('weekly')).toEqual([true, true, true, true]);
    // The same series moved two hours later (same UID, same mark) keeps nothing either.
    const moved = expandCalendar([series('weekly', '20261202T110000Z', '20261202T120000Z')], {
      ...settings,
      isPriorityMarkValid: (booking, candidate) => marker.verify({ calendarId: 3, ...booking }, candidate),
    }).occurrences;
    expect(moved.map((o) => o.prioritizedFlag)).toEqual([false, false, false, false]);
    expect(flags('weekly-moved')).toEqual([false, false, false, false]);
  });
});
