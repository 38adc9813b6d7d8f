import { readdirSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { parseJcal } from '../src/parse.js';
import { parseJcalShared } from '../src/shared-vtimezones.js';
import { fixture } from './helpers.js';
import { seededRandom } from '@roombook/testing';

/**
 * parseJcalShared (VTIMEZONEs parsed once per distinct text) must give exactly ical.js's parse of the
 * whole text — same jCal, same error — for every fixture and for layouts it must leave to ical.js.
 */

const FIXTURES = readdirSync(new URL('./fixtures/', import.meta.url)).filter((name) => name.endsWith('.ics'));

function outcome(parse: () => unknown): unknown {
  try {
    return { jcal: parse() };
  } catch (error) {
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

const expectSame = (ics: string) => expect(outcome(() => parseJcalShared(ics))).toEqual(outcome(() => parseJcal(ics)));

const berlin = /BEGIN:VTIMEZONE[\s\S]*?END:VTIMEZONE\r\n/.exec(fixture('thunderbird-weekly.ics'))?.[0] ?? '';
const outlook = /BEGIN:VTIMEZONE[\s\S]*?END:VTIMEZONE\r\n/.exec(fixture('outlook-series.ics'))?.[0] ?? '';

describe('parseJcalShared', () => {
  it('parses every fixture as ical.js does, the first time and from the memo', () => {
    for (const name of FIXTURES) {
      for (const lineEnd of ['\r\n', '\n']) {
        const ics = fixture(name).replace(/\r\n/g, lineEnd);
        expectSame(ics);
        expectSame(ics);
      }
    }
  });

  it('shares a frozen VTIMEZONE between objects, and keeps the rest their own', () => {
    const a = parseJcalShared(fixture('thunderbird-weekly.ics'));
    const b = parseJcalShared(fixture('thunderbird-weekly.ics').replace(/^UID:.*$/m, 'UID:other@example.org'));
    expect(a[2][0]).toBe(b[2][0]);
    expect(Object.isFrozen(a[2][0])).toBe(true);
    expect(a[2][1]).not.toBe(b[2][1]);
    expect(Object.isFrozen(a[2][1])).toBe(false);
  });

  it('agrees on generated layouts: several, misplaced, folded, broken and differing VTIMEZONEs', () => {
    const random = seededRandom(5);
    const int = (n: number) => Math.floor(random() * n);
    const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
    const event = /BEGIN:VEVENT[\s\S]*?END:VEVENT\r\n/.exec(fixture('thunderbird-weekly.ics'))?.[0] ?? '';
    const zones = [
      berlin,
      outlook,
      berlin.replace('TZID:Europe/Berlin', 'TZID:Custom/Zone'),
      berlin.replace('END:VTIMEZONE', 'END:VTIME\r\n ZONE'),
      berlin.replace('BEGIN:VTIMEZONE\r\n', 'BEGIN:VTIMEZONE\r\n X-FOLDED:1\r\n'),
      berlin.replace('END:STANDARD\r\n', ''),
      berlin.replace('TZOFFSETTO:+0100', 'TZOFFSETTO;VALUE=X:'),
      berlin.replace('RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10', 'RRULE:FREQ=;;'),
      berlin.replace(/\r\n/g, '\n'),
      'BEGIN:VTIMEZONE\r\nEND:VTIMEZONE\r\n',
      'BEGIN:VTIMEZONE\r\nTZID:x\r\nBEGIN:VEVENT\r\nEND:VEVENT\r\nEND:VTIMEZONE\r\n',
    ];
    const props = ['PRODID:-//x//y//EN\r\n', 'VERSION:2.0\r\n', 'X-WR-CALNAME:Room\r\n', 'METHOD:PUBLISH\r\n ;folded\r\n', 'broken line\r\n'];
    for (let n = 0; n < 500; n++) {
      const parts: string[] = [];
      for (let i = int(3); i > 0; i--) parts.push(pick(props));
      for (let i = int(4); i > 0; i--) parts.push(random() < 0.8 ? pick(zones) : random() < 0.5 ? pick(props) : event);
      parts.push(event);
      if (random() < 0.3) parts.push(pick(zones));
      const ics = `${random() < 0.95 ? 'BEGIN:VCALENDAR\r\n' : ''}${parts.join('')}${random() < 0.95 ? 'END:VCALENDAR\r\n' : ''}`;
      expectSame(ics);
    }
  });
});
