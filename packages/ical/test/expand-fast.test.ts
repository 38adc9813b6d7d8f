import type ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';

import { expandObject, type ExpandedOccurrence } from '../src/index.js';
import { fastForward } from '../src/fast-forward.js';
import { openSeries, startOf } from '../src/series.js';
import { BERLIN, fixture, ROOM } from './helpers.js';
import { seededRandom } from '@roombook/testing';

/**
 * The shortcuts in expandObject (restarting a long series' expansion near the window, zones shared
 * between objects) must not change a single occurrence. The reference is the same object expanded
 * from before its DTSTART — where there is nothing to skip — cut down to the window.
 */

const DAY = 86_400_000;


const BERLIN_VTIMEZONE = /BEGIN:VTIMEZONE[\s\S]*?END:VTIMEZONE\r\n/.exec(fixture('thunderbird-weekly.ics'))?.[0] ?? '';
const OUTLOOK_VTIMEZONE = /BEGIN:VTIMEZONE[\s\S]*?END:VTIMEZONE\r\n/.exec(fixture('outlook-series.ics'))?.[0] ?? '';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

/** Wall-clock 'YYYYMMDD[THHMMSS]' of a UTC-field Date. */
function stamp(date: Date, isDate: boolean): string {
  const day = `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}`;
  return isDate ? day : `${day}T${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}00`;
}

interface Case {
  ics: string;
  from: Date;
  to: Date;
}

/** A random WEEKLY/DAILY series (the rules the shortcut applies to, and some it must refuse). */
function randomCase(random: () => number): Case {
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: T[]): T => items[int(items.length)] as T;
  const from = new Date(Date.UTC(2026, int(12), 1 + int(28)));
  const to = new Date(from.getTime() + (7 + int(400)) * DAY);
  const kind = pick(['berlin', 'outlook', 'utc', 'floating', 'date'] as const);
  const isDate = kind === 'date';
  // 02:30 falls into the spring-forward gap and the autumn fold in Europe.
  const hour = pick([0, 2, 9, 13, 23]);
  const start = new Date(from.getTime() - int(8 * 365) * DAY + (isDate ? 0 : hour * 3_600_000 + pick([0, 30]) * 60_000));
  const weekly = random() < 0.8;
  const interval = 1 + int(3);
  const byday = weekly && random() < 0.8 ? WEEKDAYS.filter(() => random() < 0.3) : [];
  const parts = [`FREQ=${weekly ? 'WEEKLY' : 'DAILY'}`, `INTERVAL=${interval}`];
  if (byday.length > 0) parts.push(`BYDAY=${byday.join(',')}`);
  if (random() < 0.3) parts.push(`WKST=${pick(WEEKDAYS)}`);
  if (random() < 0.25) parts.push(`UNTIL=${stamp(new Date(from.getTime() + (int(200) - 60) * DAY), isDate)}${isDate ? '' : 'Z'}`);
  else if (random() < 0.1) parts.push(`COUNT=${1 + int(900)}`);

  const tzid = kind === 'berlin' ? 'Europe/Berlin' : kind === 'outlook' ? 'W. Europe Standard Time' : null;
  const value = (date: Date) =>
    kind === 'date'
      ? `;VALUE=DATE:${stamp(date, true)}`
      : kind === 'utc'
        ? `:${stamp(date, false)}Z`
        : tzid
          ? `;TZID="${tzid}":${stamp(date, false)}`
          : `:${stamp(date, false)}`;
  const lines = [`DTSTART${value(start)}`, `DTEND${value(new Date(start.getTime() + (isDate ? 1 + int(3) : 1 + int(5)) * (isDate ? DAY : 1_800_000)))}`];
  lines.push(`RRULE:${parts.join(';')}`);
  // EXDATEs in runs of consecutive periods, mostly on the pattern (whole periods after DTSTART), some
  // strays and duplicates: what makes ical.js' EXDATE bookkeeping lag, which a restart must not hide.
  const period = (weekly ? 7 : 1) * interval * DAY;
  const periodsToWindow = Math.ceil((from.getTime() - start.getTime()) / period);
  for (let run = int(4); run > 0; run--) {
    // Runs end around the window start, so a lag built up before it would show inside it.
    const last = Math.max(0, periodsToWindow - 2 + int(6));
    for (let i = last, length = 1 + int(8); i > last - length && i >= 0; i--) {
      const onPattern = new Date(start.getTime() + i * period);
      const stray = random() < (i === last - length + 1 ? 0.5 : 0.1);
      const exdate = stray ? new Date(onPattern.getTime() + (1 + int(3)) * (isDate ? DAY : 3_600_000)) : onPattern;
      lines.push(`EXDATE${value(exdate)}`);
      if (random() < 0.1) lines.push(`EXDATE${value(exdate)}`);
    }
  }
  const timezones = kind === 'berlin' ? BERLIN_VTIMEZONE : kind === 'outlook' ? OUTLOOK_VTIMEZONE : '';
  const ics =
    'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n' +
    timezones +
    'BEGIN:VEVENT\r\nUID:random@example.com\r\nDTSTAMP:20260101T000000Z\r\n' +
    lines.map((line) => `${line}\r\n`).join('') +
    'END:VEVENT\r\nEND:VCALENDAR\r\n';
  return { ics, from, to };
}

function expand(ics: string, from: Date, to: Date): ExpandedOccurrence[] {
  return expandObject(ics, { from, to, defaultTimeZone: BERLIN, roomAddresses: [ROOM] });
}

/** expandObject over [from, to) without any shortcut: from before DTSTART, then cut to the window. */
function reference(ics: string, from: Date, to: Date): ExpandedOccurrence[] {
  const all = expand(ics, new Date(Date.UTC(1990, 0, 1)), to);
  return all.filter(({ start, end }) => {
    const [s, e, f, t] = [start.getTime(), end.getTime(), from.getTime(), to.getTime()];
    return s < t && (e > f || (e === s && s >= f));
  });
}

describe('restarting a long series near the window', () => {
  it('gives exactly the occurrences of a full expansion, for random weekly and daily series', () => {
    const random = seededRandom(20260305);
    let restarted = 0;
    for (let n = 0; n < 300; n++) {
      const { ics, from, to } = randomCase(random);
      const series = openSeries(ics, BERLIN);
      const master = series.master as ICAL.Component;
      const window = { notBefore: from.getTime() - 3 * DAY, to: to.getTime(), zone: series.defaultZone };
      if (fastForward(master, startOf(master), window, 50_000)) restarted++;
      expect(expand(ics, from, to), ics).toEqual(reference(ics, from, to));
    }
    // Most random cases qualify; the rest (COUNT, strays, duplicates, …) take the full walk.
    expect(restarted).toBeGreaterThan(60);
  });

  it('restarts the fixtures’ weekly series, and the result is unchanged', () => {
    const from = new Date('2029-03-01T00:00:00Z');
    const to = new Date('2029-04-01T00:00:00Z');
    for (const name of ['thunderbird-weekly.ics', 'outlook-series.ics']) {
      const ics = fixture(name).replace(/UNTIL=[0-9TZ]+;/, '');
      const series = openSeries(ics, BERLIN);
      const master = series.master as ICAL.Component;
      const window = { notBefore: from.getTime() - 3 * DAY, to: to.getTime(), zone: series.defaultZone };
      expect(fastForward(master, startOf(master), window, 50_000)).not.toBeNull();
      const occurrences = expand(ics, from, to);
      expect(occurrences.length).toBeGreaterThan(3);
      expect(occurrences).toEqual(reference(ics, from, to));
    }
  });

  it('does not restart a rule with COUNT or an EXDATE that is not an occurrence before the window', () => {
    const from = new Date('2029-03-01T00:00:00Z');
    const window = (ics: string) => {
      const series = openSeries(ics, BERLIN);
      const master = series.master as ICAL.Component;
      return fastForward(master, startOf(master), { notBefore: from.getTime(), to: from.getTime() + DAY, zone: series.defaultZone }, 50_000);
    };
    const weekly = fixture('thunderbird-weekly.ics');
    expect(window(weekly)).not.toBeNull();
    expect(window(weekly.replace('RRULE:FREQ=WEEKLY;BYDAY=MO', 'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=500'))).toBeNull();
    // 10:00 instead of 09:00: not an occurrence, so ical.js' EXDATE bookkeeping must see it as before.
    expect(window(weekly.replace('EXDATE;TZID=Europe/Berlin:20260316T090000', 'EXDATE;TZID=Europe/Berlin:20260316T100000'))).toBeNull();
  });
});

describe('zones shared between objects', () => {
  it('answer the same after another object used the same definition far in the future', () => {
    const ics = fixture('thunderbird-weekly.ics');
    const expected = expand(ics, new Date('2026-03-01T00:00:00Z'), new Date('2026-04-10T00:00:00Z'));
    const future = ics.replace('UID:', 'UID:future-').replace(/20260302T/g, '21500302T').replace('20260316T', '21500316T');
    expect(expand(future, new Date('2150-03-01T00:00:00Z'), new Date('2150-04-10T00:00:00Z')).length).toBeGreaterThan(0);
    expect(expand(ics, new Date('2026-03-01T00:00:00Z'), new Date('2026-04-10T00:00:00Z'))).toEqual(expected);
  });
});
