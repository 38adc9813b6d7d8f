import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';

import { cancelOccurrence, declineOccurrence, expandObject } from '../src/index.js';
import { BERLIN, fixture, MARCH_APRIL, ROOM } from './helpers.js';

/**
 * A Lotus Notes weekly series (Mondays 10:00–11:00 Berlin, six times from 2 March 2026) changed "this
 * and all future": from 16 March it is at 11:30–12:30 and renamed, and the 23 March occurrence alone
 * was moved to Tuesday 14:00. RFC 5545 §3.8.4.4: RANGE=THISANDFUTURE applies to every later occurrence.
 */
const ics = fixture('notes-thisandfuture.ics');
const expand = (text: string) => expandObject(text, { ...MARCH_APRIL, defaultTimeZone: BERLIN, roomAddresses: [ROOM] });

describe('RECURRENCE-ID;RANGE=THISANDFUTURE', () => {
  it('moves and renames every later occurrence, across the DST change, unless it has its own override', () => {
    expect(expand(ics).map((o) => [o.recurrenceId, o.start.toISOString(), o.end.toISOString(), o.summary, o.isOverride])).toEqual([
      ['2026-03-02T09:00:00.000Z', '2026-03-02T09:00:00.000Z', '2026-03-02T10:00:00.000Z', 'Planning', false],
      ['2026-03-09T09:00:00.000Z', '2026-03-09T09:00:00.000Z', '2026-03-09T10:00:00.000Z', 'Planning', false],
      ['2026-03-16T09:00:00.000Z', '2026-03-16T10:30:00.000Z', '2026-03-16T11:30:00.000Z', 'Planning (new time)', true],
      ['2026-03-23T09:00:00.000Z', '2026-03-24T13:00:00.000Z', '2026-03-24T14:00:00.000Z', 'Planning (Tuesday this week)', true],
      // 11:30 Berlin summer time: 09:30Z
      ['2026-03-30T08:00:00.000Z', '2026-03-30T09:30:00.000Z', '2026-03-30T10:30:00.000Z', 'Planning (new time)', true],
      ['2026-04-06T08:00:00.000Z', '2026-04-06T09:30:00.000Z', '2026-04-06T10:30:00.000Z', 'Planning (new time)', true],
    ]);
  });

  it('a later occurrence moved into the window by the range is found; one moved out of it is not', () => {
    const at = (from: string, to: string) =>
      expandObject(ics, { from: new Date(from), to: new Date(to), defaultTimeZone: BERLIN, roomAddresses: [ROOM] }).map((o) => o.start.toISOString());
    expect(at('2026-03-30T09:15:00Z', '2026-03-30T09:45:00Z')).toEqual(['2026-03-30T09:30:00.000Z']);
    expect(at('2026-03-30T08:00:00Z', '2026-03-30T09:00:00Z')).toEqual([]);
  });

  it('cancelling a governed occurrence writes an override of the occurrence as it now is', () => {
    const edited = cancelOccurrence(ics, { recurrenceId: '2026-03-30T08:00:00.000Z', now: new Date('2026-03-20T12:00:00Z'), defaultTimeZone: BERLIN });
    const events = new ICAL.Component(ICAL.parse(edited) as unknown[]).getAllSubcomponents('vevent');
    const added = events.at(-1)!;
    expect(events).toHaveLength(4);
    expect(added.getFirstProperty('recurrence-id')?.toICALString()).toBe('RECURRENCE-ID;TZID=Europe/Berlin:20260330T100000');
    expect(added.getFirstProperty('dtstart')?.toICALString()).toBe('DTSTART;TZID=Europe/Berlin:20260330T113000');
    expect(added.getFirstProperty('dtend')?.toICALString()).toBe('DTEND;TZID=Europe/Berlin:20260330T123000');
    expect(added.getFirstPropertyValue('summary')).toBe('Planning (new time)');
    expect(added.getFirstPropertyValue('status')).toBe('CANCELLED');
    const after = expand(edited);
    expect(after.map((o) => o.status)).toEqual([null, null, null, null, 'CANCELLED', null]);
    expect(after[4]?.start.toISOString()).toBe('2026-03-30T09:30:00.000Z');
    expect(after[5]).toEqual(expand(ics)[5]);
  });

  it('declining a governed occurrence for the room keeps its new time', () => {
    const edited = declineOccurrence(ics, { recurrenceId: '2026-04-06T08:00:00.000Z', attendee: ROOM, now: new Date('2026-03-20T12:00:00Z'), defaultTimeZone: BERLIN });
    const occurrence = expand(edited).find((o) => o.recurrenceId === '2026-04-06T08:00:00.000Z');
    expect(occurrence).toMatchObject({ roomPartstat: 'DECLINED', start: new Date('2026-04-06T09:30:00Z'), summary: 'Planning (new time)' });
  });
});
