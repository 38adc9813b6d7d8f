import { formatInTimeZone } from 'date-fns-tz';
import { seededRandom } from '@roombook/testing';
import { describe, expect, it } from 'vitest';

import { localIso } from '../src/index.js';

const reference = (instant: Date, zone: string) => formatInTimeZone(instant, zone, "yyyy-MM-dd'T'HH:mm:ssXXX");

// Whole-hour DST, half-hour DST (Lord Howe), quarter-hour offsets (Kathmandu, Chatham), negative
// half hours (St John's), zones with odd historical offsets (Monrovia's -00:44:30 until 1972), UTC.
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns', 'Africa/Monrovia', 'Europe/Dublin', 'UTC'];

describe('localIso prints what date-fns-tz prints', () => {
  it.each(ZONES)('%s: every half hour or so (odd seconds) of a year with its transitions', (zone) => {
    for (const year of [2026]) {
      for (let ms = Date.UTC(year, 0, 1); ms < Date.UTC(year + 1, 0, 1); ms += 31 * 60_000 + 7_000) {
        const instant = new Date(ms);
        if (localIso(instant, zone) !== reference(instant, zone)) expect(localIso(instant, zone)).toBe(reference(instant, zone));
      }
    }
  });

  it('random instants from 1850 to 2150 in every zone, LMT offsets and far years included', () => {
    const random = seededRandom(9);
    for (let i = 0; i < 20_000; i++) {
      const instant = new Date(Date.UTC(1850, 0, 1) + Math.floor(random() * 300 * 365.25 * 86_400_000));
      const zone = ZONES[i % ZONES.length]!;
      expect(localIso(instant, zone)).toBe(reference(instant, zone));
    }
    expect(localIso(new Date('0900-06-01T12:00:00Z'), 'Europe/Berlin')).toBe(reference(new Date('0900-06-01T12:00:00Z'), 'Europe/Berlin'));
  });
});
