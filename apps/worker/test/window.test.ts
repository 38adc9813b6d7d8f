import { describe, expect, it } from 'vitest';

import { clearingWindow } from '../src/clearing/window.js';

const window = (now: string, zone: string, days: number) => {
  const { from, to } = clearingWindow(new Date(now), zone, days);
  return { from: from.toISOString(), to: to.toISOString() };
};

describe('clearingWindow', () => {
  it('starts at the start of today on the zone\'s clock, whatever the date in UTC', () => {
    expect(window('2027-01-04T22:30:00Z', 'Europe/Berlin', 1)).toEqual({ from: '2027-01-03T23:00:00.000Z', to: '2027-01-04T23:00:00.000Z' });
    expect(window('2027-01-04T23:30:00Z', 'Europe/Berlin', 1)).toEqual({ from: '2027-01-04T23:00:00.000Z', to: '2027-01-05T23:00:00.000Z' });
    expect(window('2027-01-05T03:00:00Z', 'America/New_York', 30)).toEqual({ from: '2027-01-04T05:00:00.000Z', to: '2027-02-03T05:00:00.000Z' });
    expect(window('2027-07-01T00:00:00Z', 'UTC', 7)).toEqual({ from: '2027-07-01T00:00:00.000Z', to: '2027-07-08T00:00:00.000Z' });
  });

  it('starts a day whose midnight the clocks skipped at the first instant of that day', () => {
    // Sao Paulo, 4 November 2018: 00:00 -03 became 01:00 -02 (date-fns-tz started the window an hour into 3 November)
    expect(window('2018-11-04T12:00:00Z', 'America/Sao_Paulo', 1).from).toBe('2018-11-04T03:00:00.000Z');
    // Apia skipped 30 December 2011: on 31 December the day starts at 00:00 +14
    expect(window('2011-12-31T00:00:00Z', 'Pacific/Apia', 1).from).toBe('2011-12-30T10:00:00.000Z');
  });
});
