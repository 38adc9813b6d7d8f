import { readdirSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { expandObject, type ExpandOptions } from '../src/index.js';
import { expandGeneral } from '../src/expand.js';
import { parseJcal } from '../src/parse.js';
import { expandSingleEvent } from '../src/single-event.js';
import { BERLIN, fixture, MARCH_APRIL, ROOM } from './helpers.js';
import { seededRandom } from '@roombook/testing';

/**
 * expandObject reads plain one-off events and simple series straight from ical.js's parsed structure (single-event.ts)
 * instead of through the general path. The two must agree on everything — occurrences, fields, and
 * the errors thrown — on every fixture and on generated variations of the one-off ones.
 */

const FIXTURES = readdirSync(new URL('./fixtures/', import.meta.url)).filter((name) => name.endsWith('.ics'));
const DAY = 86_400_000;

type Outcome = { occurrences: unknown } | { error: string };

function outcome(expand: () => unknown): Outcome {
  try {
    return { occurrences: expand() };
  } catch (error) {
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

function expectAgreement(ics: string, options: ExpandOptions): void {
  expect(outcome(() => expandObject(ics, options))).toEqual(outcome(() => expandGeneral(ics, options)));
}

const WINDOWS = [
  MARCH_APRIL,
  { from: new Date('2026-03-04T13:30:00Z'), to: new Date('2026-03-04T13:30:00Z') },
  { from: new Date('2026-03-04T14:00:00Z'), to: new Date('2027-01-01T00:00:00Z') },
  { from: new Date('2025-01-01T00:00:00Z'), to: new Date('2026-03-04T13:00:00Z') },
  { from: new Date('2026-04-02T22:00:00Z'), to: new Date('2026-04-03T22:00:00Z') },
];
const ZONES = [BERLIN, 'America/New_York', 'UTC', 'Pacific/Chatham'];

describe('one-off and simple-series fast path against the general path', () => {
  it('takes the fast path for plain one-off events, and only for them', () => {
    const plain = (name: string) => expandSingleEvent(parseJcal(name.endsWith('.ics') ? fixture(name) : name), { ...MARCH_APRIL, defaultTimeZone: BERLIN, roomAddresses: [ROOM] }, new Set([ROOM]));
    expect(plain('google-room-accepted.ics')).toHaveLength(1);
    expect(plain('no-end-date.ics')).toHaveLength(1);
    expect(plain('thunderbird-weekly.ics')).toBeNull();
    const weekly = fixture('google-room-accepted.ics').replace('DTSTART:', 'RRULE:FREQ=WEEKLY;COUNT=5\r\nDTSTART:');
    expect(plain(weekly)).toHaveLength(5);
    expect(plain('outlook-series.ics')).toBeNull();
  });

  it('agrees on every fixture, window and calendar zone', () => {
    for (const name of FIXTURES) {
      for (const window of WINDOWS) {
        for (const defaultTimeZone of ZONES) {
          expectAgreement(fixture(name), { ...window, defaultTimeZone, roomAddresses: [ROOM, 'MAILTO:Dora.Klein@example.net'] });
        }
      }
    }
  });

  it('agrees on generated variations of one-off events and simple series', () => {
    const random = seededRandom(9);
    const int = (n: number) => Math.floor(random() * n);
    const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
    const singles = [
      'google-room-accepted.ics',
      'google-room-declined.ics',
      'transparent.ics',
      'cancelled-leftover.ics',
      'nextcloud-floating.ics',
      'apple-allday.ics',
      'no-end.ics',
      'no-end-date.ics',
    ].map(fixture);
    const berlinVtimezone = /BEGIN:VTIMEZONE[\s\S]*?END:VTIMEZONE\r\n/.exec(fixture('thunderbird-weekly.ics'))?.[0] ?? '';
    // Values around DST changes (02:30 on 2026-03-29 does not exist in Berlin; 02:30 on 2026-10-25 is
    // there twice), month ends and invalid dates the fast path must leave to ical.js.
    const dates = ['20260329', '20261025', '20260301', '20260228', '20261231', '20260230', '20260431', '20261308', '09990101'];
    const times = ['023000', '000000', '235959', '120000', '246000', '016060', '120060'];
    const value = () => {
      const date = pick(dates);
      const form = int(7);
      if (form === 0) return `;VALUE=DATE:${date}`;
      const time = `${date}T${pick(times)}`;
      if (form === 1) return `:${time}Z`;
      if (form === 2) return `:${time}`;
      if (form === 3) return `;TZID=Europe/Berlin:${time}`;
      if (form === 4) return `;TZID="W. Europe Standard Time":${time}`;
      if (form === 5) return `;TZID=Custom/Zone:${time}`;
      return `;TZID=America/New_York:${time}`;
    };
    const extras = [
      () => `DTEND${value()}`,
      () => 'DURATION:PT1H',
      () => `STATUS:${pick(['CANCELLED', 'tentative', 'confirmed', 'BOGUS'])}`,
      () => `ATTENDEE;PARTSTAT=${pick(['DECLINED', 'accepted', ''])};CN=Room:mailto:${pick([ROOM, 'ROOM-SPREE@EXAMPLE.ORG', 'other@example.org'])}`,
      () => `ATTENDEE:mailto:${ROOM}`,
      () => `X-ROOMBOOK-PRIORITY:${pick(['v1.abc', ''])}`,
      () => `CREATED${value()}`,
      () => 'CREATED;VALUE=TEXT:yesterday',
      () => 'TRANSP:transparent',
      () => `RRULE:${pick(['FREQ=DAILY;COUNT=2', 'FREQ=WEEKLY;COUNT=14', 'FREQ=WEEKLY;INTERVAL=2;COUNT=30', 'FREQ=DAILY;INTERVAL=3;COUNT=40', 'FREQ=WEEKLY;INTERVAL=0;COUNT=3', 'FREQ=WEEKLY;BYDAY=MO;COUNT=5', 'FREQ=WEEKLY;WKST=SU;COUNT=5', 'FREQ=MONTHLY;COUNT=5', 'FREQ=DAILY;COUNT=3;BYHOUR=9'])}`,
      () => 'RRULE:FREQ=WEEKLY;COUNT=60',
      () => `RECURRENCE-ID${value()}`,
      () => `EXDATE${value()}`,
      () => 'SUMMARY;VALUE=DATE:20260301',
      () => `ORGANIZER:MAILTO:${pick(['Boss@Example.org', ' x@y.z '])}`,
      () => `UID:${pick(['', 'other@example.org'])}`,
      () => 'BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER;VALUE=DATE-TIME;TZID=Nowhere/Zone:20260301T100000\r\nEND:VALARM',
    ];
    for (let n = 0; n < 1_500; n++) {
      let ics = pick(singles);
      const lines: string[] = [];
      if (random() < 0.8) {
        ics = ics.replace(/^DTSTART[;:].*$/m, `DTSTART${value()}`);
        if (random() < 0.6) ics = ics.replace(/^DTEND[;:].*$/m, `DTEND${value()}`);
        else ics = ics.replace(/^DTEND[;:].*\r\n/m, '');
      }
      for (let i = int(4); i > 0; i--) lines.push(pick(extras)());
      if (random() < 0.3) ics = ics.replace('BEGIN:VEVENT', `${random() < 0.5 ? berlinVtimezone.replace(/Europe\/Berlin/g, 'Custom/Zone') : ''}BEGIN:VEVENT`);
      if (lines.length > 0) ics = ics.replace('END:VEVENT', `${lines.join('\r\n')}\r\nEND:VEVENT`);
      if (random() < 0.05) ics = ics.replace('END:VCALENDAR', `${/BEGIN:VEVENT[\s\S]*END:VEVENT\r\n/.exec(ics)?.[0] ?? ''}END:VCALENDAR`);
      const from = new Date(Date.UTC(2026, int(12), 1 + int(28)) - int(3) * 200 * DAY);
      const window = { from, to: new Date(from.getTime() + int(3) * 300 * DAY + int(2) * DAY) };
      expectAgreement(ics, { ...window, defaultTimeZone: pick(ZONES), roomAddresses: [ROOM] });
    }
  });

  it('agrees on generated simple series across DST changes, all-day and zoned', () => {
    const random = seededRandom(11);
    const int = (n: number) => Math.floor(random() * n);
    const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
    const pad = (n: number) => String(n).padStart(2, '0');
    const base = fixture('google-room-accepted.ics');
    let fast = 0;
    for (let n = 0; n < 600; n++) {
      // Starts a few weeks before a DST change (Europe and North America, spring and autumn).
      const day = new Date(Date.UTC(2026, pick([1, 2, 9, 10]), 1 + int(28)));
      const date = `${day.getUTCFullYear()}${pad(day.getUTCMonth() + 1)}${pad(day.getUTCDate())}`;
      const time = `T${pad(pick([0, 1, 2, 3, 9, 23]))}${pick(['00', '30'])}00`;
      const form = int(6);
      const value = (d: string, t: string) =>
        form === 0 ? `;VALUE=DATE:${d}` : form === 1 ? `:${d}${t}Z` : form === 2 ? `:${d}${t}` : form === 3 ? `;TZID=Europe/Berlin:${d}${t}` : form === 4 ? `;TZID=America/New_York:${d}${t}` : `;TZID="W. Europe Standard Time":${d}${t}`;
      const later = new Date(day.getTime() + int(3) * DAY);
      const endDate = `${later.getUTCFullYear()}${pad(later.getUTCMonth() + 1)}${pad(later.getUTCDate())}`;
      const end = pick(['', `DTEND${value(endDate, `T${pad(1 + int(22))}1500`)}\r\n`, `DTEND:${endDate}T235900Z\r\n`, `DTEND;VALUE=DATE:${endDate}\r\n`]);
      const rule = `RRULE:FREQ=${pick(['WEEKLY', 'DAILY'])}${random() < 0.3 ? `;INTERVAL=${1 + int(3)}` : ''};COUNT=${1 + int(60)}`;
      const mark = random() < 0.2 ? 'X-ROOMBOOK-PRIORITY:v1.x\r\n' : '';
      const ics = base.replace(/^DTSTART:.*\r\nDTEND:.*\r\n/m, `DTSTART${value(date, time)}\r\n${end}${rule}\r\n${mark}`);
      const from = new Date(day.getTime() + (int(120) - 20) * DAY);
      const options = { from, to: new Date(from.getTime() + int(200) * DAY), defaultTimeZone: pick(ZONES), roomAddresses: [ROOM] };
      if (expandSingleEvent(parseJcal(ics), options, new Set([ROOM])) !== null) fast++;
      expectAgreement(ics, options);
    }
    // Most of them are simple enough for the fast path (the rest: a DTEND before DTSTART's kind allows…).
    expect(fast).toBeGreaterThan(400);
  });
});
