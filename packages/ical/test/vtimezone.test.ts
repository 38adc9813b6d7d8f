import { findTransitions, offsetSecondsAt } from '@roombook/zones';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';

import { buildEvent } from '../src/index.js';

const offsetAt = (zone: string, ms: number) => offsetSecondsAt(ms, zone);

/**
 * Issue 8: the VTIMEZONE written into every new event must agree with the runtime's own offset at
 * every instant of the next ten years — for every zone the runtime knows. The VTIMEZONE is read back
 * by ical.js (it parses the observances and expands their RRULEs); the offsets are compared at each
 * transition ± 1 s (the runtime's and ical.js's own, so a change missing on either side shows) and on
 * a grid of instants every 25 hours (which walks through every hour of the day).
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = Date.now();
const tenYears = now + 3653 * DAY;

/** ical.js's reading of a VTIMEZONE: the offset at an instant, from its expanded change list. */
function icalOffsets(zone: ICAL.Timezone): (ms: number) => number {
  zone._ensureCoverage(new Date(tenYears).getUTCFullYear() + 1);
  const changes = zone.changes.map((c) => ({
    at: Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second),
    offset: c.utcOffset,
  }));
  return (ms) => {
    let offset: number | null = null;
    for (const change of changes) {
      if (change.at > ms) break;
      offset = change.offset;
    }
    if (offset === null) throw new Error(`no observance before ${new Date(ms).toISOString()}`);
    return offset;
  };
}

function writtenZone(timeZone: string): ICAL.Timezone {
  const ics = buildEvent({
    uid: 'zone-check',
    summary: 'zone check',
    start: new Date(now + HOUR),
    end: new Date(now + 2 * HOUR),
    timeZone,
    created: new Date(now),
    stamp: new Date(now),
  });
  const root = new ICAL.Component(ICAL.parse(ics) as unknown[]);
  const vtimezone = root.getFirstSubcomponent('vtimezone');
  if (!vtimezone) throw new Error(`no VTIMEZONE written for ${timeZone}`);
  expect(vtimezone.getFirstPropertyValue('tzid')).toBe(timeZone);
  return new ICAL.Timezone({ component: vtimezone, tzid: timeZone });
}

describe('VTIMEZONEs we write agree with the runtime for ten years', () => {
  const zones = Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC');

  it(`in every one of the runtime's ${zones.length} zones`, () => {
    const mismatches: string[] = [];
    let transitionsChecked = 0;
    for (const timeZone of zones) {
      const zone = writtenZone(timeZone);
      const read = icalOffsets(zone);
      const instants: number[] = [];
      for (const t of findTransitions(timeZone, now, tenYears)) instants.push(t.at - 1000, t.at, t.at + 1000);
      for (const change of zone.changes) {
        const at = Date.UTC(change.year, change.month - 1, change.day, change.hour, change.minute, change.second);
        if (at >= now && at < tenYears) instants.push(at - 1000, at, at + 1000);
      }
      transitionsChecked += instants.length / 3;
      for (let ms = now; ms < tenYears; ms += 25 * HOUR) instants.push(ms);
      for (const ms of instants) {
        const expected = offsetAt(timeZone, ms);
        const actual = read(ms);
        if (actual !== expected) {
          mismatches.push(`${timeZone} at ${new Date(ms).toISOString()}: VTIMEZONE ${actual}s, runtime ${expected}s`);
          break;
        }
      }
    }
    expect(mismatches).toEqual([]);
    // Sanity: the zones do change (DST), so the transition checks above ran.
    expect(transitionsChecked).toBeGreaterThan(1000);
  });

  it('wall-clock times away from transitions read back as the same instant (ical.js local -> UTC)', () => {
    const mismatches: string[] = [];
    for (const timeZone of ['Europe/Berlin', 'America/Sao_Paulo', 'America/Mexico_City', 'Europe/Kyiv', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Africa/Casablanca', 'America/Nuuk', 'Asia/Amman', 'America/Santiago', 'Pacific/Chatham']) {
      const zone = writtenZone(timeZone);
      const transitions = findTransitions(timeZone, now - DAY, tenYears + DAY).map((t) => t.at);
      for (let ms = now; ms < tenYears; ms += 25 * HOUR) {
        if (transitions.some((at) => Math.abs(at - ms) < DAY)) continue; // ambiguous or skipped wall times
        const wall = new Date(ms + offsetAt(timeZone, ms) * 1000);
        const time = new ICAL.Time(
          { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate(), hour: wall.getUTCHours(), minute: wall.getUTCMinutes(), second: wall.getUTCSeconds(), isDate: false },
          zone,
        );
        if (time.toUnixTime() * 1000 !== Math.floor(ms / 1000) * 1000) {
          mismatches.push(`${timeZone} ${time.toString()}: ${new Date(time.toUnixTime() * 1000).toISOString()} != ${new Date(ms).toISOString()}`);
          break;
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('writes yearly rules as RRULEs and the zones that changed since 2018 as they are now', () => {
    const lines = (timeZone: string) => buildEvent({ uid: 'u', summary: 's', start: new Date('2026-12-01T12:00:00Z'), end: new Date('2026-12-01T13:00:00Z'), timeZone, created: new Date('2026-11-01T00:00:00Z'), stamp: new Date('2026-11-01T00:00:00Z') }).split('\r\n');
    const section = (all: string[]) => all.slice(all.indexOf('BEGIN:VTIMEZONE'), all.indexOf('END:VTIMEZONE') + 1);
    // Berlin: two yearly observances, no end
    expect(section(lines('Europe/Berlin'))).toEqual(expect.arrayContaining(['RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU']));
    // Sao Paulo (no DST since 2019) and Mexico City (none since 2022): one fixed offset
    expect(section(lines('America/Sao_Paulo')).filter((l) => l.startsWith('TZOFFSET'))).toEqual(['TZOFFSETFROM:-0300', 'TZOFFSETTO:-0300']);
    expect(section(lines('America/Mexico_City')).filter((l) => l.startsWith('TZOFFSET'))).toEqual(['TZOFFSETFROM:-0600', 'TZOFFSETTO:-0600']);
    // Lord Howe: a half-hour DST
    expect(section(lines('Australia/Lord_Howe'))).toEqual(expect.arrayContaining(['TZOFFSETFROM:+1030', 'TZOFFSETTO:+1100', 'BEGIN:DAYLIGHT']));
    // the name the booking used is the TZID, also where the runtime's canonical name is older
    expect(lines('Europe/Kyiv')).toContain('TZID:Europe/Kyiv');
    expect(lines('Europe/Kyiv')).toContain('DTSTART;TZID=Europe/Kyiv:20261201T140000');
  });
});
