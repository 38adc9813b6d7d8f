import ICAL from 'ical.js';
import { afterEach, describe, expect, it } from 'vitest';

import { expandObject, IcalError, MAX_OCCURRENCES, objectUid, type ExpandedOccurrence, type TruncatedExpansion } from '../src/index.js';
import { BERLIN, fixture, iso, MARCH_APRIL, ROOM } from './helpers.js';

function expand(ics: string, overrides: Partial<Parameters<typeof expandObject>[1]> = {}): ExpandedOccurrence[] {
  return expandObject(ics, { ...MARCH_APRIL, defaultTimeZone: BERLIN, roomAddresses: [ROOM], ...overrides });
}

/** A minimal object around one VEVENT body (CRLF like a client writes it). */
function vevent(body: string[], extra: string[] = []): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//test//EN',
    ...extra,
    'BEGIN:VEVENT',
    'UID:inline@example.com',
    'DTSTAMP:20260201T000000Z',
    ...body,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

describe('Thunderbird weekly series (VTIMEZONE Europe/Berlin, EXDATE)', () => {
  const ics = fixture('thunderbird-weekly.ics');

  it('expands Mondays 09:00 Berlin, skips the EXDATE, and follows the DST change to the exact UTC instant', () => {
    const occurrences = expand(ics);
    // 2026-03-16 is excluded; DST starts Sunday 2026-03-29, so 09:00 local moves from 08:00Z to 07:00Z.
    expect(iso(occurrences.map((o) => o.start))).toEqual([
      '2026-03-02T08:00:00.000Z',
      '2026-03-09T08:00:00.000Z',
      '2026-03-23T08:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
      '2026-04-06T07:00:00.000Z',
    ]);
    expect(iso(occurrences.map((o) => o.end))).toEqual([
      '2026-03-02T09:00:00.000Z',
      '2026-03-09T09:00:00.000Z',
      '2026-03-23T09:00:00.000Z',
      '2026-03-30T08:00:00.000Z',
      '2026-04-06T08:00:00.000Z',
    ]);
    expect(occurrences.map((o) => o.recurrenceId)).toEqual(iso(occurrences.map((o) => o.start)));
  });

  it('reports the series properties on every occurrence', () => {
    const [first] = expand(ics);
    expect(first).toEqual({
      uid: '3f1c6a52-9a77-4d2e-b1b2-0c9f3a1e5d11',
      recurrenceId: '2026-03-02T08:00:00.000Z',
      start: new Date('2026-03-02T08:00:00Z'),
      end: new Date('2026-03-02T09:00:00Z'),
      allDay: false,
      isRecurring: true,
      isOverride: false,
      summary: 'Team Weekly',
      description: 'Weekly status round. Agenda lives in the team wiki; please add your topics until Friday noon.',
      organizer: 'anna.schmidt@example.org',
      created: new Date('2026-02-10T10:15:00Z'),
      dtstamp: new Date('2026-02-15T08:30:00Z'),
      status: null,
      masterCancelled: false,
      transparent: false,
      roomPartstat: 'ACCEPTED',
      priorityMark: null,
      // the series' own DTSTART/DTEND, whichever occurrence this is
      markedSpan: { start: new Date('2026-03-02T08:00:00Z'), end: new Date('2026-03-02T09:00:00Z') },
    } satisfies ExpandedOccurrence);
  });

  it('only returns occurrences overlapping [from, to); touching the window is not overlapping', () => {
    const occurrences = expand(ics, {
      from: new Date('2026-03-09T09:00:00Z'), // the 03-09 occurrence ends exactly here
      to: new Date('2026-03-30T07:00:00Z'), // the 03-30 occurrence starts exactly here
    });
    expect(iso(occurrences.map((o) => o.start))).toEqual(['2026-03-23T08:00:00.000Z']);
  });

  it('matches the room address case-insensitively, with or without mailto:', () => {
    expect(expand(ics, { roomAddresses: ['MAILTO:Room-Spree@Example.org'] })[0]?.roomPartstat).toBe('ACCEPTED');
    expect(expand(ics, { roomAddresses: ['other-room@example.org'] })[0]?.roomPartstat).toBeNull();
  });
});

describe('Outlook series (TZID "W. Europe Standard Time", moved and cancelled overrides)', () => {
  const ics = fixture('outlook-series.ics');

  it('expands TU/TH until UNTIL with the shipped non-IANA VTIMEZONE, moved occurrence replaced by its override', () => {
    const occurrences = expand(ics, { to: new Date('2026-06-01T00:00:00Z'), roomAddresses: ['room-havel@example.com'] });
    const rows = occurrences.map((o) => [o.recurrenceId, o.start.toISOString(), o.end.toISOString(), o.isOverride, o.status]);
    expect(rows.slice(0, 6)).toEqual([
      ['2026-03-03T13:00:00.000Z', '2026-03-03T13:00:00.000Z', '2026-03-03T14:00:00.000Z', false, null],
      ['2026-03-05T13:00:00.000Z', '2026-03-05T13:00:00.000Z', '2026-03-05T14:00:00.000Z', false, null],
      ['2026-03-10T13:00:00.000Z', '2026-03-10T13:00:00.000Z', '2026-03-10T14:00:00.000Z', false, null],
      // Thursday 03-12 14:00 moved to Friday 03-13 10:00-11:30 local
      ['2026-03-12T13:00:00.000Z', '2026-03-13T09:00:00.000Z', '2026-03-13T10:30:00.000Z', true, null],
      ['2026-03-17T13:00:00.000Z', '2026-03-17T13:00:00.000Z', '2026-03-17T14:00:00.000Z', true, 'CANCELLED'],
      ['2026-03-19T13:00:00.000Z', '2026-03-19T13:00:00.000Z', '2026-03-19T14:00:00.000Z', false, null],
    ]);
    // After DST (2026-03-29) 14:00 local is 12:00Z; UNTIL 2026-04-30T12:00Z includes Thursday 04-30.
    expect(rows.at(-1)).toEqual([
      '2026-04-30T12:00:00.000Z',
      '2026-04-30T12:00:00.000Z',
      '2026-04-30T13:00:00.000Z',
      false,
      null,
    ]);
    expect(occurrences).toHaveLength(18); // 9 in March, 9 in April
    expect(occurrences.every((o) => o.isRecurring && !o.masterCancelled)).toBe(true);
  });

  it('takes per-occurrence fields from the override and series fields from the master', () => {
    const moved = expand(ics, { roomAddresses: ['room-havel@example.com'] }).find((o) => o.isOverride);
    expect(moved).toMatchObject({
      summary: 'Project sync (moved)',
      description: 'Moved to Friday morning this week\n',
      dtstamp: new Date('2026-02-25T09:00:00Z'),
      created: new Date('2026-02-20T11:59:00Z'),
      organizer: 'carla.weber@example.com',
      roomPartstat: 'NEEDS-ACTION',
    });
  });

  it('includes an override moved into the window from a slot outside it', () => {
    const window = { from: new Date('2026-03-13T00:00:00Z'), to: new Date('2026-03-14T00:00:00Z') };
    expect(expand(ics, window).map((o) => [o.recurrenceId, o.start.toISOString()])).toEqual([
      ['2026-03-12T13:00:00.000Z', '2026-03-13T09:00:00.000Z'],
    ]);
  });

  it('excludes an original slot in the window whose override moved away', () => {
    const window = { from: new Date('2026-03-12T00:00:00Z'), to: new Date('2026-03-13T00:00:00Z') };
    expect(expand(ics, window)).toEqual([]);
  });

  it('gives the same instants whatever the default zone is (the TZID is defined in the object)', () => {
    const a = expand(ics, { defaultTimeZone: 'America/New_York' });
    const b = expand(ics, { defaultTimeZone: 'Asia/Tokyo' });
    expect(iso(a.map((o) => o.start))).toEqual(iso(b.map((o) => o.start)));
  });
});

describe('single events from different clients', () => {
  it('Apple all-day event: dates in the default zone, end exclusive', () => {
    const [event, ...rest] = expand(fixture('apple-allday.ics'));
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      uid: '8D3C2A1E-4B5F-4E6A-9C7D-1F2E3A4B5C6D',
      recurrenceId: null,
      start: new Date('2026-03-09T23:00:00Z'),
      end: new Date('2026-03-11T23:00:00Z'),
      allDay: true,
      isRecurring: false,
      summary: 'Offsite workshop',
      created: new Date('2026-02-01T09:00:00Z'),
      roomPartstat: null,
    });
    const [inTokyo] = expand(fixture('apple-allday.ics'), { defaultTimeZone: 'Asia/Tokyo' });
    expect([inTokyo?.start, inTokyo?.end]).toEqual([new Date('2026-03-09T15:00:00Z'), new Date('2026-03-11T15:00:00Z')]);
  });

  it('Google event with the room ACCEPTED, organizer and status', () => {
    expect(expand(fixture('google-room-accepted.ics'))).toEqual([
      {
        uid: '7kq3v9m2p1r8s6t4u0w5x7y9z1@google.com',
        recurrenceId: null,
        start: new Date('2026-03-04T13:00:00Z'),
        end: new Date('2026-03-04T14:00:00Z'),
        allDay: false,
        isRecurring: false,
        isOverride: false,
        summary: 'Quarterly planning',
        description:
          'Quarterly planning with the product team.\n\nJoin with Google Meet: https://meet.google.com/abc-defg-hij\n\n-::~:~::~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~::~:~::-',
        organizer: 'dora.klein@example.net',
        created: new Date('2026-02-25T10:10:00Z'),
        dtstamp: new Date('2026-02-25T10:10:10Z'),
        status: 'CONFIRMED',
        masterCancelled: false,
        transparent: false,
        roomPartstat: 'ACCEPTED',
        priorityMark: null,
        markedSpan: { start: new Date('2026-03-04T13:00:00Z'), end: new Date('2026-03-04T14:00:00Z') },
      },
    ] satisfies ExpandedOccurrence[]);
  });

  it('Google event the room DECLINED', () => {
    expect(expand(fixture('google-room-declined.ics'))[0]?.roomPartstat).toBe('DECLINED');
  });

  it('an attendee without PARTSTAT counts as NEEDS-ACTION', () => {
    const ics = vevent(['DTSTART:20260304T100000Z', 'DTEND:20260304T110000Z', `ATTENDEE;CUTYPE=ROOM:mailto:${ROOM}`]);
    expect(expand(ics)[0]?.roomPartstat).toBe('NEEDS-ACTION');
  });

  it('Nextcloud floating times are read in the default zone', () => {
    const [berlin] = expand(fixture('nextcloud-floating.ics'));
    expect([berlin?.start, berlin?.end]).toEqual([new Date('2026-03-05T14:00:00Z'), new Date('2026-03-05T15:30:00Z')]);
    const [newYork] = expand(fixture('nextcloud-floating.ics'), { defaultTimeZone: 'America/New_York' });
    expect([newYork?.start, newYork?.end]).toEqual([new Date('2026-03-05T20:00:00Z'), new Date('2026-03-05T21:30:00Z')]);
  });

  it('a cancelled leftover reports STATUS:CANCELLED on a non-recurring event', () => {
    expect(expand(fixture('cancelled-leftover.ics'))).toMatchObject([
      {
        recurrenceId: null,
        start: new Date('2026-03-06T10:00:00Z'),
        status: 'CANCELLED',
        masterCancelled: true,
        isRecurring: false,
        roomPartstat: 'ACCEPTED',
      },
    ]);
  });

  it('a transparent event is flagged', () => {
    expect(expand(fixture('transparent.ics')).map((o) => o.transparent)).toEqual([true]);
    expect(expand(fixture('google-room-accepted.ics')).map((o) => o.transparent)).toEqual([false]);
  });
});

describe('recurrence rules and durations', () => {
  it('COUNT + RDATE + DURATION: three daily instances, the extra dates, each 45 minutes', () => {
    const occurrences = expand(fixture('rules-count-rdate-duration.ics'));
    expect(occurrences.map((o) => [o.start.toISOString(), o.end.toISOString()])).toEqual([
      ['2026-03-09T15:00:00.000Z', '2026-03-09T15:45:00.000Z'],
      ['2026-03-10T15:00:00.000Z', '2026-03-10T15:45:00.000Z'],
      ['2026-03-11T15:00:00.000Z', '2026-03-11T15:45:00.000Z'],
      ['2026-03-20T07:00:00.000Z', '2026-03-20T07:45:00.000Z'],
      // RDATE after the DST change: 08:00 CEST
      ['2026-04-02T06:00:00.000Z', '2026-04-02T06:45:00.000Z'],
    ]);
  });

  it('RDATE;VALUE=PERIOD instances keep their own length, mixed with an RRULE', () => {
    const ics = vevent([
      'DTSTART;TZID=Europe/Berlin:20260302T100000',
      'DTEND;TZID=Europe/Berlin:20260302T110000',
      'RRULE:FREQ=WEEKLY;COUNT=2',
      'RDATE;VALUE=PERIOD:20260304T120000Z/20260304T150000Z,20260305T120000Z/PT30M',
    ]);
    expect(expand(ics).map((o) => [o.recurrenceId, o.start.toISOString(), o.end.toISOString()])).toEqual([
      ['2026-03-02T09:00:00.000Z', '2026-03-02T09:00:00.000Z', '2026-03-02T10:00:00.000Z'],
      ['2026-03-04T12:00:00.000Z', '2026-03-04T12:00:00.000Z', '2026-03-04T15:00:00.000Z'],
      ['2026-03-05T12:00:00.000Z', '2026-03-05T12:00:00.000Z', '2026-03-05T12:30:00.000Z'],
      ['2026-03-09T09:00:00.000Z', '2026-03-09T09:00:00.000Z', '2026-03-09T10:00:00.000Z'],
    ]);
  });

  it('RDATE without RRULE: DTSTART is the first instance (once, even if also listed), EXDATE applies', () => {
    const ics = vevent([
      'DTSTART;TZID=Europe/Berlin:20260302T100000',
      'DTEND;TZID=Europe/Berlin:20260302T110000',
      'RDATE;TZID=Europe/Berlin:20260302T100000,20260303T100000,20260305T100000',
      'EXDATE;TZID=Europe/Berlin:20260303T100000',
    ]);
    expect(iso(expand(ics).map((o) => o.start))).toEqual(['2026-03-02T09:00:00.000Z', '2026-03-05T09:00:00.000Z']);
    expect(expand(ics).every((o) => o.isRecurring)).toBe(true);
  });

  it('an IANA TZID without VTIMEZONE gets a generated definition (New York DST on 2026-03-08)', () => {
    expect(expand(fixture('new-york-no-vtimezone.ics')).map((o) => [o.start.toISOString(), o.end.toISOString()])).toEqual([
      ['2026-03-02T14:00:00.000Z', '2026-03-02T14:30:00.000Z'],
      ['2026-03-09T13:00:00.000Z', '2026-03-09T13:30:00.000Z'],
      ['2026-03-16T13:00:00.000Z', '2026-03-16T13:30:00.000Z'],
    ]);
  });

  it('all-day series: UNTIL (DATE), BYDAY, EXDATE (DATE), recurrence ids as YYYY-MM-DD', () => {
    const occurrences = expand(fixture('allday-series.ics'));
    expect(occurrences.map((o) => [o.recurrenceId, o.start.toISOString(), o.end.toISOString(), o.allDay])).toEqual([
      ['2026-03-02', '2026-03-01T23:00:00.000Z', '2026-03-02T23:00:00.000Z', true],
      ['2026-03-16', '2026-03-15T23:00:00.000Z', '2026-03-16T23:00:00.000Z', true],
      ['2026-03-23', '2026-03-22T23:00:00.000Z', '2026-03-23T23:00:00.000Z', true],
    ]);
  });

  it('DATE-TIME without DTEND or DURATION lasts zero; DATE without lasts one day', () => {
    expect(expand(fixture('no-end.ics')).map((o) => [o.start.toISOString(), o.end.toISOString()])).toEqual([
      ['2026-03-11T10:00:00.000Z', '2026-03-11T10:00:00.000Z'],
    ]);
    expect(expand(fixture('no-end-date.ics')).map((o) => [o.start.toISOString(), o.end.toISOString(), o.allDay])).toEqual([
      ['2026-04-02T22:00:00.000Z', '2026-04-03T22:00:00.000Z', true],
    ]);
  });

  it('DURATION with a day part is nominal across DST, the hour part exact', () => {
    const ics = vevent(['DTSTART;TZID=Europe/Berlin:20260328T100000', 'DURATION:P1DT1H']);
    // Sat 10:00 CET + 1 day = Sun 10:00 CEST (23 h later), + 1 h exact.
    expect(expand(ics).map((o) => [o.start.toISOString(), o.end.toISOString()])).toEqual([
      ['2026-03-28T09:00:00.000Z', '2026-03-29T09:00:00.000Z'],
    ]);
  });

  it('BYDAY with ordinal and INTERVAL (monthly, 2nd Wednesday) in UTC', () => {
    const ics = vevent(['DTSTART:20260114T100000Z', 'DTEND:20260114T110000Z', 'RRULE:FREQ=MONTHLY;INTERVAL=1;BYDAY=2WE']);
    expect(iso(expand(ics, { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-05-01T00:00:00Z') }).map((o) => o.start))).toEqual([
      '2026-01-14T10:00:00.000Z',
      '2026-02-11T10:00:00.000Z',
      '2026-03-11T10:00:00.000Z',
      '2026-04-08T10:00:00.000Z',
    ]);
  });

  it('a master with STATUS:CANCELLED marks every occurrence', () => {
    const ics = vevent(['DTSTART:20260302T100000Z', 'DURATION:PT1H', 'RRULE:FREQ=DAILY;COUNT=2', 'STATUS:CANCELLED']);
    expect(expand(ics).map((o) => [o.status, o.masterCancelled])).toEqual([
      ['CANCELLED', true],
      ['CANCELLED', true],
    ]);
  });

  it('an override without DTEND/DURATION keeps the master length; created falls back to the master DTSTAMP', () => {
    const ics = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN',
      'BEGIN:VEVENT', 'UID:partial@example.com', 'DTSTAMP:20260201T000000Z',
      'DTSTART:20260302T100000Z', 'DTEND:20260302T113000Z', 'RRULE:FREQ=DAILY;COUNT=3', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:partial@example.com', 'DTSTAMP:20260202T000000Z',
      'RECURRENCE-ID:20260303T100000Z', 'DTSTART:20260303T140000Z', 'END:VEVENT',
      'END:VCALENDAR', '',
    ].join('\r\n');
    const occurrences = expand(ics);
    expect(occurrences.map((o) => [o.recurrenceId, o.start.toISOString(), o.end.toISOString(), o.isOverride])).toEqual([
      ['2026-03-02T10:00:00.000Z', '2026-03-02T10:00:00.000Z', '2026-03-02T11:30:00.000Z', false],
      ['2026-03-03T10:00:00.000Z', '2026-03-03T14:00:00.000Z', '2026-03-03T15:30:00.000Z', true],
      ['2026-03-04T10:00:00.000Z', '2026-03-04T10:00:00.000Z', '2026-03-04T11:30:00.000Z', false],
    ]);
    expect(occurrences.map((o) => o.created)).toEqual(Array(3).fill(new Date('2026-02-01T00:00:00Z')));
  });

  it('an object holding only an override (invited to one instance) yields that instance', () => {
    const ics = vevent(['RECURRENCE-ID:20260305T100000Z', 'DTSTART:20260305T120000Z', 'DTEND:20260305T130000Z']);
    expect(expand(ics)).toMatchObject([
      { recurrenceId: '2026-03-05T10:00:00.000Z', start: new Date('2026-03-05T12:00:00Z'), isOverride: true, isRecurring: true },
    ]);
  });

  it('stops expanding at the window end (an endless rule terminates)', () => {
    const ics = vevent(['DTSTART:20260301T000000Z', 'DURATION:PT5M', 'RRULE:FREQ=MINUTELY;INTERVAL=15']);
    const occurrences = expand(ics, { from: new Date('2026-03-01T01:00:00Z'), to: new Date('2026-03-01T02:00:00Z') });
    expect(iso(occurrences.map((o) => o.start))).toEqual([
      '2026-03-01T01:00:00.000Z',
      '2026-03-01T01:15:00.000Z',
      '2026-03-01T01:30:00.000Z',
      '2026-03-01T01:45:00.000Z',
    ]);
  });

  it('caps a runaway rule far before the window instead of hanging', () => {
    // Every minute since 2000: millions of steps to reach the window. The guard stops after
    // MAX_OCCURRENCES of them, decades early (how long that takes is the expand bench's figure).
    const notices: TruncatedExpansion[] = [];
    const ics = vevent(['DTSTART:20000101T000000Z', 'DURATION:PT1M', 'RRULE:FREQ=MINUTELY']);
    expect(expand(ics, { onTruncated: (n) => notices.push(n) })).toEqual([]);
    expect(notices).toEqual([{ uid: 'inline@example.com', limit: MAX_OCCURRENCES, expandedUntil: new Date(Date.UTC(2000, 0, 1) + (MAX_OCCURRENCES - 1) * 60_000) }]);
  });

  it('tells the caller when the runaway guard cut a series off, and not for one that simply ends', () => {
    const notices: TruncatedExpansion[] = [];
    const runaway = vevent(['DTSTART:20000101T000000Z', 'DURATION:PT1S', 'RRULE:FREQ=SECONDLY']);
    expect(expand(runaway, { onTruncated: (n) => notices.push(n) })).toEqual([]);
    expect(notices).toEqual([{ uid: 'inline@example.com', limit: MAX_OCCURRENCES, expandedUntil: new Date(Date.UTC(2000, 0, 1) + (MAX_OCCURRENCES - 1) * 1000) }]);

    notices.length = 0;
    const endless = vevent(['DTSTART:20260301T000000Z', 'DURATION:PT5M', 'RRULE:FREQ=MINUTELY;INTERVAL=15']);
    expect(expand(endless, { onTruncated: (n) => notices.push(n) }).length).toBeGreaterThan(0);
    const counted = vevent(['DTSTART:20260301T000000Z', 'DURATION:PT5M', 'RRULE:FREQ=DAILY;COUNT=3']);
    expect(expand(counted, { onTruncated: (n) => notices.push(n) })).toHaveLength(3);
    expect(notices).toEqual([]);
  });
});

describe('time zone isolation', () => {
  afterEach(() => ICAL.TimezoneService.reset());

  function customZone(offset: string): string {
    return [
      'BEGIN:VTIMEZONE',
      'TZID:Office Time',
      'BEGIN:STANDARD',
      'DTSTART:19700101T000000',
      `TZOFFSETFROM:${offset}`,
      `TZOFFSETTO:${offset}`,
      'END:STANDARD',
      'END:VTIMEZONE',
    ].join('\r\n');
  }

  it('two objects defining the same TZID differently each use their own definition', () => {
    const body = ['DTSTART;TZID=Office Time:20260304T100000', 'DTEND;TZID=Office Time:20260304T110000'];
    const plusFive = vevent(body, [customZone('+0500')]);
    const minusThree = vevent(body, [customZone('-0300')]);
    expect(expand(plusFive)[0]?.start).toEqual(new Date('2026-03-04T05:00:00Z'));
    expect(expand(minusThree)[0]?.start).toEqual(new Date('2026-03-04T13:00:00Z'));
    expect(expand(plusFive)[0]?.start).toEqual(new Date('2026-03-04T05:00:00Z'));
  });

  it('ignores whatever is registered in ical.js global TimezoneService', () => {
    const bogus = new ICAL.Component(ICAL.parse(customZone('+0900').replace('Office Time', 'America/New_York')) as unknown[]);
    ICAL.TimezoneService.register(bogus);
    expect(expand(fixture('new-york-no-vtimezone.ics'))[0]?.start).toEqual(new Date('2026-03-02T14:00:00Z'));
  });

  it('a TZID that names no zone and has no definition is never guessed (issue 8)', () => {
    const ics = vevent(['DTSTART;TZID=Some Custom Zone:20260304T100000', 'DTEND;TZID=Some Custom Zone:20260304T110000']);
    expect(() => expand(ics)).toThrow(IcalError);
    expect(() => expand(ics)).toThrow(/unknown time zone "Some Custom Zone"/);
  });

  it('an old Thunderbird-style prefixed TZID resolves to its IANA zone', () => {
    const tzid = '/mozilla.org/20050126_1/America/New_York';
    const ics = vevent([`DTSTART;TZID=${tzid}:20260304T100000`, `DTEND;TZID=${tzid}:20260304T110000`]);
    expect(expand(ics)[0]?.start).toEqual(new Date('2026-03-04T15:00:00Z'));
  });
});

describe('objectUid and errors', () => {
  it('returns the UID of an object', () => {
    expect(objectUid(fixture('outlook-series.ics'))).toBe(
      '040000008200E00074C5B7101A82E00800000000D0A1B2C3D4E5DC01000000000000000010000000A1B2C3D4E5F60718293A4B5C6D7E8F90',
    );
  });

  it('throws IcalError on unparsable input', () => {
    expect(() => objectUid('this is not iCalendar')).toThrow(IcalError);
    expect(() => expand('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n')).toThrow(IcalError);
  });

  it('throws IcalError on a VCALENDAR without VEVENT', () => {
    const todo = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTODO\r\nUID:t\r\nEND:VTODO\r\nEND:VCALENDAR\r\n';
    expect(() => objectUid(todo)).toThrow(/no VEVENT/);
    expect(() => objectUid(todo)).toThrow(IcalError);
  });

  it('throws IcalError for an unknown default zone', () => {
    expect(() => expand(fixture('nextcloud-floating.ics'), { defaultTimeZone: 'Mars/Olympus' })).toThrow(IcalError);
  });
});
