import { describe, expect, it } from 'vitest';

import { HttpProblem } from '../src/problems.js';
import { readSpan } from '../src/lib/span.js';

/** The problem readSpan answers with (status and detail), undefined when it accepts the span. */
const problemOf = (query: { start: string; end: string }, zone: string, maxDays: number): string | undefined => {
  try {
    readSpan(query, zone, maxDays);
    return undefined;
  } catch (error) {
    if (!(error instanceof HttpProblem)) throw error;
    return `${error.status} ${error.message}`;
  }
};
const TOO_LONG = (days: number) => `400 querystring.end must be at most ${days} days after start`;

describe('readSpan', () => {
  it('allows maxDays of the zone\'s wall clock, across a DST change, and not a second more', () => {
    // 1 October 10:00 to 2 December 10:00 in Berlin is 62 wall-clock days and one hour more of real time
    expect(readSpan({ start: '2027-10-01T10:00', end: '2027-12-02T10:00' }, 'Europe/Berlin', 62)).toEqual({
      start: new Date('2027-10-01T08:00:00Z'),
      end: new Date('2027-12-02T09:00:00Z'),
    });
    expect(problemOf({ start: '2027-10-01T10:00', end: '2027-12-02T10:00:01' }, 'Europe/Berlin', 62)).toBe(TOO_LONG(62));
    // the same span in UTC is an hour shorter than the Berlin one's real time
    expect(problemOf({ start: '2027-10-01T08:00:00Z', end: '2027-12-02T09:00:00Z' }, 'UTC', 62)).toBe(TOO_LONG(62));
    // spring: 62 days from 1 February end on 4 April at the same wall-clock time, an hour less of real time
    expect(problemOf({ start: '2027-02-01T10:00', end: '2027-04-04T10:00' }, 'Europe/Berlin', 62)).toBeUndefined();
    expect(problemOf({ start: '2027-02-01T09:00:00Z', end: '2027-04-04T08:00:00.001Z' }, 'Europe/Berlin', 62)).toBe(TOO_LONG(62));
  });

  it('keeps the start\'s milliseconds when it adds the days', () => {
    expect(problemOf({ start: '2027-01-01T10:00:00.250Z', end: '2027-01-02T10:00:00.250Z' }, 'UTC', 1)).toBeUndefined();
    expect(problemOf({ start: '2027-01-01T10:00:00.250Z', end: '2027-01-02T10:00:00.251Z' }, 'UTC', 1)).toBe(TOO_LONG(1));
  });
});
