import { describe, expect, it } from 'vitest';

import { strftime } from '../src/strftime.js';

describe('strftime in the calendar zone', () => {
  it('numbers weekdays both ways (%u: Monday 1 … Sunday 7, %w: Sunday 0) on the local day, not the UTC one', () => {
    // 23:30 UTC on Saturday 2025-03-29 is already Sunday in Berlin (00:30 CET)
    const sunday = new Date('2025-03-29T23:30:00Z');
    expect(strftime(sunday, '%a %u %w', 'Europe/Berlin', 'en')).toBe('Sun 7 0');
    expect(strftime(sunday, '%a %u %w', 'America/New_York', 'en')).toBe('Sat 6 6');
    const monday = new Date('2025-03-31T08:00:00Z');
    expect(strftime(monday, '%u %w', 'Europe/Berlin', 'en')).toBe('1 1');
  });

  it('counts the day of the year and prints the offset of that instant, across a DST change', () => {
    expect(strftime(new Date('2025-03-30T00:30:00Z'), '%j %H:%M %z', 'Europe/Berlin', 'en')).toBe('089 01:30 +0100');
    expect(strftime(new Date('2025-03-30T01:30:00Z'), '%j %H:%M %:z', 'Europe/Berlin', 'en')).toBe('089 03:30 +02:00');
    expect(strftime(new Date('2024-12-31T12:00:00Z'), '%j', 'UTC', 'en')).toBe('366');
    expect(strftime(new Date('2025-07-01T12:00:00Z'), '%z %:z', 'America/St_Johns', 'en')).toBe('-0230 -02:30');
  });
});
