import { formatInTimeZone } from 'date-fns-tz';
import { describe, expect, it } from 'vitest';

import { localIso as isoInZone } from '../src/index.js';

/** Zones with the awkward cases: DST both ways, half-hour and 45-minute offsets, a 30-minute DST shift, Ramadan changes, a skipped day. */
const ZONES = ['Europe/Berlin', 'America/New_York', 'America/St_Johns', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'Africa/Casablanca', 'Pacific/Apia', 'UTC', 'Asia/Tokyo'];
const reference = (ms: number, zone: string) => formatInTimeZone(ms, zone, "yyyy-MM-dd'T'HH:mm:ssXXX");

describe('localIso (free/busy answers and clear reports)', () => {
  it('writes what date-fns-tz writes, minute by minute around every offset change of 2011 and 2026-2027', () => {
    for (const zone of ZONES) {
      for (const year of [2011, 2026, 2027]) {
        // find the days with a change, the hour within the day, then check each minute of the four hours around it
        const offset = (ms: number) => reference(ms, zone).slice(19);
        let changes = 0;
        for (let day = Date.UTC(year, 0, 1); day < Date.UTC(year + 1, 0, 1); day += 86_400_000) {
          if (offset(day) === offset(day + 86_400_000)) continue;
          let ms = day;
          while (offset(ms) === offset(day)) ms += 3_600_000;
          changes++;
          for (let t = ms - 2 * 3_600_000; t < ms + 2 * 3_600_000; t += 60_000) expect(isoInZone(t + 17_345, zone), `${zone} ${t}`).toBe(reference(t + 17_345, zone));
        }
        if (zone === 'Europe/Berlin') expect(changes).toBe(2);
      }
    }
  });

  it('prints each hour as date-fns-tz does where a zone changed twice within a week (October 2000)', () => {
    // The closest two changes of one zone since 1970: a DST start revoked 6 days 23 hours later.
    // localIso's widest span must stay shorter, or the pair would read as no change at all.
    const cases: Array<[string, number]> = [['America/Boa_Vista', Date.UTC(2000, 9, 1)], ['America/Noronha', Date.UTC(2000, 9, 1)], ['America/Recife', Date.UTC(2000, 9, 1)], ['America/Cambridge_Bay', Date.UTC(2000, 9, 22)]];
    for (const [zone, from] of cases) {
      const offsets = new Set<string>();
      for (let ms = from; ms < from + 21 * 86_400_000; ms += 3_600_000) {
        expect(isoInZone(ms, zone), `${zone} ${ms}`).toBe(reference(ms, zone));
        offsets.add(reference(ms, zone).slice(19));
      }
      expect(offsets.size, zone).toBeGreaterThan(1);
    }
  });

  it('agrees at scattered instants over a decade, and for Date as for epoch milliseconds', () => {
    let seed = 7;
    const next = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    for (let i = 0; i < 3000; i++) {
      const ms = Date.UTC(2020, 0, 1) + Math.floor(next() * 10 * 365 * 86_400_000);
      const zone = ZONES[i % ZONES.length]!;
      expect(isoInZone(ms, zone)).toBe(reference(ms, zone));
      expect(isoInZone(new Date(ms), zone)).toBe(reference(ms, zone));
    }
    expect(isoInZone(Date.parse('2027-03-28T00:59:59.999Z'), 'Europe/Berlin')).toBe('2027-03-28T01:59:59+01:00');
    expect(isoInZone(Date.parse('2027-03-28T01:00:00Z'), 'Europe/Berlin')).toBe('2027-03-28T03:00:00+02:00');
    expect(isoInZone(Date.parse('2027-03-28T01:00:00Z'), 'UTC')).toBe('2027-03-28T01:00:00Z');
  });
});
