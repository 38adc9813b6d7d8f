import { describe, expect, it } from 'vitest';

import { busyDuring, mergeBusy, type BusyMs } from '../src/index.js';

const t = (iso: string) => new Date(iso).getTime();
const iv = (start: string, end: string): BusyMs => ({ startMs: t(start), endMs: t(end) });
const iso = (list: BusyMs[]) => list.map((b) => [new Date(b.startMs).toISOString(), new Date(b.endMs).toISOString()]);

// A Monday in a room: the span asked for is 08:00-18:00 UTC.
const SPAN = [t('2027-03-01T08:00:00Z'), t('2027-03-01T18:00:00Z')] as const;

describe('mergeBusy (free/busy of one calendar, issue 12)', () => {
  it('merges overlapping and touching meetings, keeps gaps, sorts whatever order the store gave', () => {
    const merged = mergeBusy(
      [
        iv('2027-03-01T14:00:00Z', '2027-03-01T15:00:00Z'),
        iv('2027-03-01T09:00:00Z', '2027-03-01T10:00:00Z'),
        iv('2027-03-01T09:30:00Z', '2027-03-01T10:30:00Z'), // overlaps the 09:00 one
        iv('2027-03-01T10:30:00Z', '2027-03-01T11:00:00Z'), // touches its end
        iv('2027-03-01T11:01:00Z', '2027-03-01T12:00:00Z'), // one minute apart: stays separate
        iv('2027-03-01T14:15:00Z', '2027-03-01T14:45:00Z'), // inside the 14:00 one
      ],
      ...SPAN,
    );
    expect(iso(merged)).toEqual([
      ['2027-03-01T09:00:00.000Z', '2027-03-01T11:00:00.000Z'],
      ['2027-03-01T11:01:00.000Z', '2027-03-01T12:00:00.000Z'],
      ['2027-03-01T14:00:00.000Z', '2027-03-01T15:00:00.000Z'],
    ]);
  });

  it('clips to the span and drops what only touches it or lies outside', () => {
    const merged = mergeBusy(
      [
        iv('2027-02-28T20:00:00Z', '2027-03-01T09:00:00Z'), // started the evening before
        iv('2027-03-01T07:00:00Z', '2027-03-01T08:00:00Z'), // ends as the span starts: not busy in it
        iv('2027-03-01T18:00:00Z', '2027-03-01T19:00:00Z'), // starts as the span ends
        iv('2027-03-01T17:30:00Z', '2027-03-02T09:00:00Z'), // runs past the end
        iv('2027-03-05T10:00:00Z', '2027-03-05T11:00:00Z'),
      ],
      ...SPAN,
    );
    expect(iso(merged)).toEqual([
      ['2027-03-01T08:00:00.000Z', '2027-03-01T09:00:00.000Z'],
      ['2027-03-01T17:30:00.000Z', '2027-03-01T18:00:00.000Z'],
    ]);
  });

  it('an all-day block covering the span is the whole span once; empty input and zero-length events give nothing', () => {
    expect(iso(mergeBusy([iv('2027-03-01T00:00:00Z', '2027-03-02T00:00:00Z'), iv('2027-03-01T10:00:00Z', '2027-03-01T11:00:00Z')], ...SPAN))).toEqual([
      ['2027-03-01T08:00:00.000Z', '2027-03-01T18:00:00.000Z'],
    ]);
    expect(mergeBusy([], ...SPAN)).toEqual([]);
    expect(mergeBusy([iv('2027-03-01T10:00:00Z', '2027-03-01T10:00:00Z')], ...SPAN)).toEqual([]);
  });

  it('does not change its input', () => {
    const input = [iv('2027-03-01T09:00:00Z', '2027-03-01T10:00:00Z'), iv('2027-03-01T10:00:00Z', '2027-03-01T11:00:00Z')];
    const copy = structuredClone(input);
    mergeBusy(input, ...SPAN);
    expect(input).toEqual(copy);
  });
});

describe('busyDuring (find-a-room)', () => {
  const day = [iv('2027-03-01T09:00:00Z', '2027-03-01T10:00:00Z'), iv('2027-03-01T12:00:00Z', '2027-03-01T13:00:00Z')];
  it('is busy when a meeting overlaps the span, free when meetings only touch it or lie around it', () => {
    expect(busyDuring(day, t('2027-03-01T09:30:00Z'), t('2027-03-01T09:45:00Z'))).toBe(true);
    expect(busyDuring(day, t('2027-03-01T08:00:00Z'), t('2027-03-01T14:00:00Z'))).toBe(true);
    expect(busyDuring(day, t('2027-03-01T10:00:00Z'), t('2027-03-01T12:00:00Z'))).toBe(false);
    expect(busyDuring([], t('2027-03-01T10:00:00Z'), t('2027-03-01T12:00:00Z'))).toBe(false);
  });
});
