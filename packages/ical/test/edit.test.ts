import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';

import { cancelOccurrence, declineOccurrence, expandObject, IcalError, type ExpandedOccurrence } from '../src/index.js';
import { BERLIN, fixture, MARCH_APRIL, ROOM } from './helpers.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const LATER = new Date('2026-03-02T18:30:00Z');

function expand(ics: string, roomAddresses = [ROOM], defaultTimeZone = BERLIN): ExpandedOccurrence[] {
  return expandObject(ics, { ...MARCH_APRIL, defaultTimeZone, roomAddresses });
}

function parse(ics: string): ICAL.Component {
  return new ICAL.Component(ICAL.parse(ics) as unknown[]);
}

/** jCal of every property of a component (name, params, type, value) — what round-trip fidelity means. */
function propertiesOf(component: ICAL.Component): unknown[] {
  return component.getAllProperties().map((p) => p.toJSON());
}

function events(ics: string): ICAL.Component[] {
  return parse(ics).getAllSubcomponents('vevent');
}

/** A component's properties of one name, as content lines. */
function lines(name: string, component: ICAL.Component): string[] {
  return component.getAllProperties(name).map((p) => p.toICALString());
}

describe('declineOccurrence on a series (Thunderbird)', () => {
  const original = fixture('thunderbird-weekly.ics');
  const recurrenceId = '2026-03-30T07:00:00.000Z';
  const edited = declineOccurrence(original, { recurrenceId, attendee: `MAILTO:${ROOM.toUpperCase()}`, now: NOW, defaultTimeZone: BERLIN });

  it('re-expands with only that occurrence declined; all others unchanged', () => {
    const before = expand(original);
    const after = expand(edited);
    expect(after).toHaveLength(before.length);
    for (const [index, occurrence] of after.entries()) {
      const previous = before[index];
      if (occurrence.recurrenceId === recurrenceId) {
        expect(occurrence).toEqual({ ...previous, isOverride: true, roomPartstat: 'DECLINED', dtstamp: NOW });
      } else {
        expect(occurrence).toEqual(previous);
      }
    }
  });

  it('writes an override with RECURRENCE-ID in the master DTSTART form and the occurrence times', () => {
    const [, override] = events(edited);
    expect(override).toBeDefined();
    if (!override) return;
    expect(lines('recurrence-id', override)).toEqual(['RECURRENCE-ID;TZID=Europe/Berlin:20260330T090000']);
    expect(lines('dtstart', override)).toEqual(['DTSTART;TZID=Europe/Berlin:20260330T090000']);
    expect(lines('dtend', override)).toEqual(['DTEND;TZID=Europe/Berlin:20260330T100000']);
    expect(lines('dtstamp', override)).toEqual(['DTSTAMP:20260301T120000Z']);
    expect(override.hasProperty('rrule') || override.hasProperty('exdate') || override.hasProperty('rdate')).toBe(false);
    const attendees = override.getAllProperties('attendee').map((p) => p.toICALString());
    expect(attendees).toEqual([
      'ATTENDEE;CN=Raum Spree;PARTSTAT=DECLINED;ROLE=REQ-PARTICIPANT;CUTYPE=ROOM:mailto:room-spree@example.org',
      'ATTENDEE;RSVP=TRUE;CN=Ben Becker;PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT:mailto:ben.becker@example.org',
    ]);
  });

  it('keeps every property of the original: calendar, VTIMEZONE, master (X- props, VALARM) untouched', () => {
    const before = parse(original);
    const after = parse(edited);
    expect(propertiesOf(after)).toEqual(propertiesOf(before));
    expect(after.getFirstSubcomponent('vtimezone')?.toJSON()).toEqual(before.getFirstSubcomponent('vtimezone')?.toJSON());
    const [masterBefore] = before.getAllSubcomponents('vevent');
    const [masterAfter, override] = after.getAllSubcomponents('vevent');
    expect(masterAfter?.toJSON()).toEqual(masterBefore?.toJSON());
    expect(after.getAllSubcomponents()).toHaveLength(3); // VTIMEZONE, master, override: no generated VTIMEZONE left behind
    if (!masterBefore || !override) throw new Error('missing components');
    // The override is the master minus the rules, plus the occurrence-specific changes.
    const changed = new Set(['rrule', 'exdate', 'dtstart', 'dtend', 'dtstamp', 'attendee']);
    const kept = propertiesOf(masterBefore).filter((p) => !changed.has((p as [string])[0]));
    expect(propertiesOf(override)).toEqual(expect.arrayContaining(kept));
    expect(kept.map((p) => (p as [string])[0])).toEqual(
      expect.arrayContaining(['x-moz-generation', 'x-moz-send-invitations', 'description', 'organizer', 'created']),
    );
    expect(override.getAllSubcomponents().map((c) => c.toJSON())).toEqual(masterBefore.getAllSubcomponents().map((c) => c.toJSON()));
  });

  it('writes CRLF lines folded at 75 octets', () => {
    const rows = edited.split('\r\n');
    expect(edited.endsWith('\r\n')).toBe(true);
    expect(rows.every((row) => !row.includes('\n') && Buffer.byteLength(row) <= 75)).toBe(true);
  });

  it('is idempotent (a second decline, even later, returns the same text)', () => {
    const again = declineOccurrence(edited, { recurrenceId, attendee: ROOM, now: LATER, defaultTimeZone: BERLIN });
    expect(again).toBe(edited);
  });

  it('accepts the same instant spelled differently', () => {
    const same = declineOccurrence(original, { recurrenceId: '2026-03-30T07:00:00Z', attendee: ROOM, now: NOW, defaultTimeZone: BERLIN });
    expect(same).toBe(edited);
  });

  it('throws IcalError for ids that are not occurrences of the series', () => {
    const decline = (id: string) => () =>
      declineOccurrence(original, { recurrenceId: id, attendee: ROOM, now: NOW, defaultTimeZone: BERLIN });
    expect(decline('2026-03-16T08:00:00.000Z')).toThrow(IcalError); // EXDATE
    expect(decline('2026-03-03T08:00:00.000Z')).toThrow(/not an occurrence/); // a Tuesday
    expect(decline('2026-03-30T09:00:00.000Z')).toThrow(IcalError); // local time taken as UTC
    expect(decline('2026-02-23T08:00:00.000Z')).toThrow(IcalError); // before DTSTART
    expect(decline('next monday')).toThrow(/malformed/);
  });

  it('throws IcalError when the attendee is not on the event, or no recurrence id is given for a series', () => {
    expect(() =>
      declineOccurrence(original, { recurrenceId: '2026-03-30T07:00:00.000Z', attendee: 'someone@example.org', now: NOW, defaultTimeZone: BERLIN }),
    ).toThrow(IcalError);
    expect(() => declineOccurrence(original, { recurrenceId: null, attendee: ROOM, now: NOW })).toThrow(/recurring/);
  });
});

describe('declineOccurrence on a non-recurring event (Google)', () => {
  const original = fixture('google-room-accepted.ics');
  const edited = declineOccurrence(original, { recurrenceId: null, attendee: ROOM, now: NOW });

  it('sets the room PARTSTAT=DECLINED and a fresh DTSTAMP, nothing else', () => {
    const [before] = events(original);
    const [after, ...rest] = events(edited);
    expect(rest).toEqual([]);
    if (!before || !after) throw new Error('missing VEVENT');
    const withoutChanged = (c: ICAL.Component) =>
      propertiesOf(c).filter((p) => {
        const [name, , , value] = p as [string, unknown, unknown, unknown];
        return name !== 'dtstamp' && !(name === 'attendee' && value === `mailto:${ROOM}`);
      });
    expect(withoutChanged(after)).toEqual(withoutChanged(before));
    expect(after.getFirstProperty('dtstamp')?.toICALString()).toBe('DTSTAMP:20260301T120000Z');
    expect(after.getAllProperties('attendee')[0]?.toICALString()).toBe(
      'ATTENDEE;CUTYPE=ROOM;ROLE=REQ-PARTICIPANT;PARTSTAT=DECLINED;CN=Raum Spree;X-NUM-GUESTS=0:mailto:room-spree@example.org',
    );
    expect(expand(edited).map((o) => [o.recurrenceId, o.roomPartstat, o.isOverride])).toEqual([[null, 'DECLINED', false]]);
  });

  it('is idempotent, and a no-op on an already declined event', () => {
    expect(declineOccurrence(edited, { recurrenceId: null, attendee: ROOM, now: LATER })).toBe(edited);
    const declined = fixture('google-room-declined.ics');
    expect(declineOccurrence(declined, { recurrenceId: null, attendee: ROOM, now: NOW })).toBe(declined);
  });

  it('refuses a recurrence id on a non-recurring event', () => {
    expect(() => declineOccurrence(original, { recurrenceId: '2026-03-04T13:00:00.000Z', attendee: ROOM, now: NOW })).toThrow(IcalError);
    expect(() => cancelOccurrence(original, { recurrenceId: '2026-03-04T13:00:00.000Z', now: NOW })).toThrow(/not a recurring/);
  });
});

describe('edits on the Outlook series (existing overrides, non-IANA TZID)', () => {
  const original = fixture('outlook-series.ics');
  const havel = 'room-havel@example.com';

  it('cancelOccurrence adds a STATUS:CANCELLED override with the Outlook TZID; others unchanged', () => {
    const recurrenceId = '2026-03-19T13:00:00.000Z';
    const edited = cancelOccurrence(original, { recurrenceId, now: NOW });
    const before = expand(original, [havel]);
    const after = expand(edited, [havel]);
    expect(after).toHaveLength(before.length);
    for (const [index, occurrence] of after.entries()) {
      if (occurrence.recurrenceId === recurrenceId) {
        expect(occurrence).toEqual({ ...before[index], isOverride: true, status: 'CANCELLED', dtstamp: NOW });
      } else {
        expect(occurrence).toEqual(before[index]);
      }
    }
    const override = events(edited)[3];
    if (!override) throw new Error('override missing');
    expect(override.getFirstProperty('recurrence-id')?.toICALString()).toBe(
      'RECURRENCE-ID;TZID=W. Europe Standard Time:20260319T140000',
    );
    expect(override.getFirstProperty('dtend')?.toICALString()).toBe('DTEND;TZID=W. Europe Standard Time:20260319T150000');
    // addresses written with a lower-case scheme (DAViCal compares them case-sensitively)
    expect(override.getFirstProperty('organizer')?.getFirstValue()).toBe('mailto:Carla.Weber@Example.com');
    expect(override.getAllProperties('attendee').map((p) => p.getFirstValue())).toEqual([
      'mailto:Room-Havel@Example.com',
      'mailto:dieter.fuchs@example.com',
    ]);
    expect(override.getFirstSubcomponent('valarm')?.getFirstPropertyValue('trigger')?.toString()).toBe('-PT15M');
    expect(cancelOccurrence(edited, { recurrenceId, now: LATER })).toBe(edited);
  });

  it('declineOccurrence updates the existing moved override in place, keeping its new time', () => {
    const recurrenceId = '2026-03-12T13:00:00.000Z';
    const edited = declineOccurrence(original, { recurrenceId, attendee: `mailto:${havel}`, now: NOW });
    const [masterBefore, movedBefore, cancelledBefore] = events(original);
    const [masterAfter, movedAfter, cancelledAfter, ...extra] = events(edited);
    expect(extra).toEqual([]);
    expect(masterAfter?.toJSON()).toEqual(masterBefore?.toJSON());
    expect(cancelledAfter?.toJSON()).toEqual(cancelledBefore?.toJSON());
    if (!movedBefore || !movedAfter) throw new Error('override missing');
    const same = (c: ICAL.Component) =>
      propertiesOf(c).filter((p) => !['attendee', 'organizer', 'dtstamp'].includes((p as [string])[0]));
    expect(same(movedAfter)).toEqual(same(movedBefore));
    expect(movedAfter.getAllProperties('attendee')[0]?.toICALString()).toBe(
      'ATTENDEE;CN=Room Havel;CUTYPE=RESOURCE;ROLE=REQ-PARTICIPANT;PARTSTAT=DECLINED:mailto:Room-Havel@Example.com',
    );
    const moved = expand(edited, [havel]).find((o) => o.recurrenceId === recurrenceId);
    expect(moved).toMatchObject({ start: new Date('2026-03-13T09:00:00Z'), roomPartstat: 'DECLINED', isOverride: true });
    expect(declineOccurrence(edited, { recurrenceId, attendee: havel, now: LATER })).toBe(edited);
  });

  it('cancelling an already cancelled override only normalises the address scheme, once', () => {
    const recurrenceId = '2026-03-17T13:00:00.000Z';
    const edited = cancelOccurrence(original, { recurrenceId, now: NOW });
    expect(events(edited)[2]?.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(cancelOccurrence(edited, { recurrenceId, now: LATER })).toBe(edited);
  });

  it('throws IcalError for an unknown recurrence id', () => {
    expect(() => cancelOccurrence(original, { recurrenceId: '2026-03-18T13:00:00.000Z', now: NOW })).toThrow(IcalError);
    expect(() => cancelOccurrence(original, { recurrenceId: '2026-05-05T12:00:00.000Z', now: NOW })).toThrow(IcalError); // after UNTIL
  });
});

describe('edits on other series shapes', () => {
  it('all-day series: RECURRENCE-ID and DTSTART/DTEND as DATE', () => {
    const original = fixture('allday-series.ics');
    const edited = cancelOccurrence(original, { recurrenceId: '2026-03-16', now: NOW, defaultTimeZone: BERLIN });
    const override = events(edited)[1];
    if (!override) throw new Error('override missing');
    expect(['recurrence-id', 'dtstart', 'dtend'].map((n) => override.getFirstProperty(n)?.toICALString())).toEqual([
      'RECURRENCE-ID;VALUE=DATE:20260316',
      'DTSTART;VALUE=DATE:20260316',
      'DTEND;VALUE=DATE:20260317',
    ]);
    expect(expand(edited).map((o) => [o.recurrenceId, o.status])).toEqual([
      ['2026-03-02', null],
      ['2026-03-16', 'CANCELLED'],
      ['2026-03-23', null],
    ]);
    expect(() => cancelOccurrence(original, { recurrenceId: '2026-03-09', now: NOW })).toThrow(IcalError); // EXDATE
    expect(() => cancelOccurrence(original, { recurrenceId: '2026-03-16T00:00:00.000Z', now: NOW })).toThrow(/malformed/);
  });

  it('floating series: recurrence ids depend on the default zone; the override stays floating', () => {
    const original = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//IDN nextcloud.com//Calendar app 4.7.6//EN',
      'BEGIN:VEVENT', 'UID:floating-series@example.com', 'DTSTAMP:20260201T000000Z',
      'DTSTART:20260303T150000', 'DTEND:20260303T160000', 'RRULE:FREQ=WEEKLY;COUNT=4',
      `ATTENDEE;CUTYPE=ROOM;PARTSTAT=ACCEPTED;RSVP=TRUE:mailto:${ROOM}`, 'SUMMARY:Floating weekly',
      'END:VEVENT', 'END:VCALENDAR', '',
    ].join('\r\n');
    const second = expand(original)[1];
    expect(second?.recurrenceId).toBe('2026-03-10T14:00:00.000Z');
    const edited = declineOccurrence(original, { recurrenceId: '2026-03-10T14:00:00.000Z', attendee: ROOM, now: NOW, defaultTimeZone: BERLIN });
    const override = events(edited)[1];
    expect(['recurrence-id', 'dtstart', 'dtend'].map((n) => override?.getFirstProperty(n)?.toICALString())).toEqual([
      'RECURRENCE-ID:20260310T150000',
      'DTSTART:20260310T150000',
      'DTEND:20260310T160000',
    ]);
    expect(expand(edited).map((o) => o.roomPartstat)).toEqual(['ACCEPTED', 'DECLINED', 'ACCEPTED', 'ACCEPTED']);
  });

  it('UTC series with DURATION: RECURRENCE-ID in UTC, DURATION kept as written, no DTEND added', () => {
    const original = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Example//EN',
      'BEGIN:VEVENT', 'UID:utc-series@example.com', 'DTSTAMP:20260201T000000Z',
      'DTSTART:20260302T100000Z', 'DURATION:PT90M', 'RRULE:FREQ=DAILY;COUNT=5', 'X-CUSTOM;X-PARAM=keep:me',
      'END:VEVENT', 'END:VCALENDAR', '',
    ].join('\r\n');
    const edited = cancelOccurrence(original, { recurrenceId: '2026-03-04T10:00:00.000Z', now: NOW });
    const override = events(edited)[1];
    if (!override) throw new Error('override missing');
    expect(override.getFirstProperty('recurrence-id')?.toICALString()).toBe('RECURRENCE-ID:20260304T100000Z');
    expect(override.getFirstProperty('duration')?.toICALString()).toBe('DURATION:PT90M');
    expect(override.hasProperty('dtend')).toBe(false);
    expect(override.getFirstProperty('x-custom')?.toICALString()).toBe('X-CUSTOM;X-PARAM=keep:me');
    expect(expand(edited).map((o) => [o.start.toISOString(), o.end.toISOString(), o.status])).toEqual([
      ['2026-03-02T10:00:00.000Z', '2026-03-02T11:30:00.000Z', null],
      ['2026-03-03T10:00:00.000Z', '2026-03-03T11:30:00.000Z', null],
      ['2026-03-04T10:00:00.000Z', '2026-03-04T11:30:00.000Z', 'CANCELLED'],
      ['2026-03-05T10:00:00.000Z', '2026-03-05T11:30:00.000Z', null],
      ['2026-03-06T10:00:00.000Z', '2026-03-06T11:30:00.000Z', null],
    ]);
  });

  it('an RDATE PERIOD instance: the override gets the period as DTSTART/DTEND', () => {
    const original = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Example//EN',
      'BEGIN:VEVENT', 'UID:period@example.com', 'DTSTAMP:20260201T000000Z',
      'DTSTART:20260302T100000Z', 'DURATION:PT1H', 'RDATE;VALUE=PERIOD:20260304T120000Z/20260304T150000Z',
      'END:VEVENT', 'END:VCALENDAR', '',
    ].join('\r\n');
    const edited = cancelOccurrence(original, { recurrenceId: '2026-03-04T12:00:00.000Z', now: NOW });
    const override = events(edited)[1];
    if (!override) throw new Error('override missing');
    expect(['recurrence-id', 'dtstart', 'dtend', 'duration'].map((n) => override.getFirstProperty(n)?.toICALString())).toEqual([
      'RECURRENCE-ID:20260304T120000Z',
      'DTSTART:20260304T120000Z',
      'DTEND:20260304T150000Z',
      undefined,
    ]);
    expect(expand(edited).map((o) => [o.start.toISOString(), o.end.toISOString(), o.status])).toEqual([
      ['2026-03-02T10:00:00.000Z', '2026-03-02T11:00:00.000Z', null],
      ['2026-03-04T12:00:00.000Z', '2026-03-04T15:00:00.000Z', 'CANCELLED'],
    ]);
  });
});
