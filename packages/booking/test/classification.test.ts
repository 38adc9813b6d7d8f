import { describe, expect, it } from 'vitest';
import { classify, planClearing, type ClearingPlan, type Occurrence } from '../src/index.js';
import { NOW, TOKEN, occurrence, single, weekly } from './fixtures.js';

function plan(occurrences: Occurrence[], now: Date = NOW): ClearingPlan {
  return planClearing({ occurrences, priorityTokens: [TOKEN], now });
}

const EMPTY = { deletedCancelled: [], losers: [], ignored: [] };

// A later booking that would lose to any of the blockers below if they counted.
const salesCall = single('u-sales', 'Sales Call', '2025-07-16T08:30:00Z', '2025-07-16T09:30:00Z', '2025-07-10T00:00:00Z', {
  organizer: 'sales@my-awesome.org',
});

describe('classify', () => {
  it('checks cancelled, then declined, then transparent', () => {
    const base = single('u', 'X', '2025-07-16T08:00:00Z', '2025-07-16T09:00:00Z', null);
    expect(classify({ ...base, status: 'CANCELLED', roomPartstat: 'DECLINED', transparent: true })).toBe('cancelled');
    expect(classify({ ...base, roomPartstat: 'DECLINED', transparent: true })).toBe('declined');
    expect(classify({ ...base, transparent: true })).toBe('transparent');
    expect(classify({ ...base, status: 'TENTATIVE', roomPartstat: 'NEEDS-ACTION' })).toBe('active');
    expect(classify({ ...base, status: null })).toBe('active');
  });
});

describe('planClearing: occurrences that never block', () => {
  it('ignores a cancelled single occurrence of an active series (neither blocks nor is reported)', () => {
    const [first, second] = weekly('u-hr', 'HR Office Hours', '2025-07-16T08:00:00Z', 60, 2, '2025-01-01T00:00:00Z');
    const cancelled = { ...(first as Occurrence), status: 'CANCELLED' as const };
    expect(plan([cancelled, second as Occurrence, salesCall])).toEqual(EMPTY);
  });

  it('ignores a declined occurrence (room PARTSTAT=DECLINED), recurring or not', () => {
    const [first] = weekly('u-hr', 'HR Office Hours', '2025-07-16T08:00:00Z', 60, 1, '2025-01-01T00:00:00Z', {
      roomPartstat: 'DECLINED',
    });
    const declinedSingle = single('u-d', 'Town Hall', '2025-07-16T09:00:00Z', '2025-07-16T10:00:00Z', '2025-01-02T00:00:00Z', {
      roomPartstat: 'DECLINED',
    });
    expect(plan([first as Occurrence, declinedSingle, salesCall])).toEqual(EMPTY);
  });

  it('ignores transparent (free) bookings', () => {
    const hold = single('u-t', 'Tentative Hold (free)', '2025-07-16T08:00:00Z', '2025-07-16T12:00:00Z', '2025-01-01T00:00:00Z', {
      transparent: true,
    });
    expect(plan([hold, salesCall])).toEqual(EMPTY);
  });
});

describe('planClearing: cancelled leftovers', () => {
  it('deletes a cancelled non-recurring event once, and it blocks nothing', () => {
    const party = single('u-party', 'Summer Party', '2025-07-16T08:00:00Z', '2025-07-16T12:00:00Z', '2025-01-01T00:00:00Z', {
      status: 'CANCELLED',
      organizer: 'events@my-awesome.org',
    });
    const p = plan([salesCall, party]);
    expect(p).toEqual({
      deletedCancelled: [{ objectId: party.objectId, uid: 'u-party', occurrence: party }],
      losers: [],
      ignored: [],
    });
  });

  it('deletes a series whose master is cancelled exactly once, with its first upcoming occurrence', () => {
    const series = weekly('u-jf', 'Jour Fixe', '2025-07-07T08:00:00Z', 60, 4, '2025-01-01T00:00:00Z', {
      masterCancelled: true,
      status: 'CANCELLED',
    });
    // An override that was confirmed on its own still goes with the cancelled series.
    const override = { ...(series[3] as Occurrence), status: 'CONFIRMED' as const, name: 'Jour Fixe (moved)' };
    const occurrences = [series[2], override, series[0], series[1]] as Occurrence[];
    const blocked = single('u-w', 'Workshop', '2025-07-28T08:00:00Z', '2025-07-28T09:00:00Z', '2025-07-10T00:00:00Z');
    const p = plan([...occurrences, blocked]);
    // 2025-07-07 ended before NOW; the representative is the first one that has not.
    expect(p).toEqual({
      deletedCancelled: [{ objectId: series[1]?.objectId, uid: 'u-jf', occurrence: series[1] }],
      losers: [],
      ignored: [],
    });
  });

  it('leaves a cancelled event alone when it is wholly in the past', () => {
    const past = single('u-old', 'Old Workshop', '2025-07-13T08:00:00Z', '2025-07-13T10:00:00Z', '2025-01-01T00:00:00Z', {
      status: 'CANCELLED',
    });
    const pastSeries = weekly('u-ps', 'Old Series', '2025-06-30T08:00:00Z', 60, 2, '2025-01-01T00:00:00Z', {
      masterCancelled: true,
    });
    expect(plan([past, ...pastSeries])).toEqual(EMPTY);
  });
});

describe('planClearing: series', () => {
  const hrSeries = (extra: Partial<Occurrence>) =>
    weekly('u-int', 'Job Interviews', '2025-07-14T12:00:00Z', 60, 4, '2025-06-30T10:04:14Z', {
      organizer: 'head-of-hr@my-awesome.org',
      ...extra,
    });
  const council = single('u-wc', 'Workers Council Meeting', '2025-07-21T12:30:00Z', '2025-07-21T13:30:00Z', '2025-02-10T11:33:39Z');

  it('declines only the clashing occurrence when the room is an attendee', () => {
    const series = hrSeries({ roomPartstat: 'NEEDS-ACTION' });
    const p = plan([...series, council]);
    expect(p.losers.map((l) => [l.occurrence.recurrenceId, l.action])).toEqual([['2025-07-21T12:00:00.000Z', 'decline']]);
    expect(p.losers[0]?.occurrence).toBe(series[1]);
    expect(p.deletedCancelled).toEqual([]);
  });

  it('cancels the clashing occurrence when the room is not an attendee (shared calendar)', () => {
    const series = hrSeries({ roomPartstat: null });
    const p = plan([...series, council]);
    expect(p.losers.map((l) => [l.occurrence.recurrenceId, l.action])).toEqual([['2025-07-21T12:00:00.000Z', 'cancel']]);
  });

  it('deletes an orphan override (isRecurring false) as a whole object', () => {
    const orphan = occurrence('u-orph', 'Guest Lecture', '2025-07-21T12:00:00Z', '2025-07-21T13:00:00Z', '2025-06-01T00:00:00Z', {
      isRecurring: false,
      roomPartstat: 'ACCEPTED',
    });
    expect(plan([orphan, council]).losers.map((l) => l.action)).toEqual(['delete']);
  });

  it('reports an object of two orphan overrides that both lose as one deletion with both winners', () => {
    const objectId = '/calendars/meeting-room-1/invited-to-two-occurrences.ics';
    const first = occurrence('u-ext', 'Partner Workshop', '2025-07-21T12:00:00Z', '2025-07-21T13:00:00Z', '2025-06-01T00:00:00Z', {
      objectId,
      isRecurring: false,
    });
    const second = occurrence('u-ext', 'Partner Workshop', '2025-07-28T12:00:00Z', '2025-07-28T13:00:00Z', '2025-06-01T00:00:00Z', {
      objectId,
      isRecurring: false,
    });
    const nextCouncil = single('u-wc2', 'Workers Council Meeting', '2025-07-28T12:30:00Z', '2025-07-28T13:30:00Z', '2025-02-10T11:33:39Z');
    const p = plan([second, nextCouncil, first, council]);
    expect(p.losers).toHaveLength(1);
    expect(p.losers[0]).toMatchObject({ occurrence: first, action: 'delete', overlapsWith: [council, nextCouncil] });
  });

  it('never lets occurrences of one series conflict with each other', () => {
    // A daily 27-hour "on call" block overlaps its own next occurrence.
    const first = occurrence('u-oc', 'On-call Desk', '2025-07-15T06:00:00Z', '2025-07-16T09:00:00Z', '2025-03-01T00:00:00Z');
    const second = occurrence('u-oc', 'On-call Desk', '2025-07-16T06:00:00Z', '2025-07-17T09:00:00Z', '2025-03-01T00:00:00Z');
    const p = plan([second, first, salesCall]);
    expect(p.losers.map((l) => [l.occurrence.name, l.overlapsWith.map((w) => w.start.toISOString())])).toEqual([
      ['Sales Call', ['2025-07-15T06:00:00.000Z', '2025-07-16T06:00:00.000Z']],
    ]);
  });

  it('judges copies of one UID in two objects on their own and never against each other', () => {
    const original = single('u-dup', 'Budget Review', '2025-07-16T08:00:00Z', '2025-07-16T09:00:00Z', '2025-05-01T00:00:00Z');
    const copy = { ...original, objectId: '/calendars/meeting-room-1/copy-of-budget-review.ics' };
    const p = plan([copy, salesCall, original]);
    expect(p.ignored).toEqual([]);
    expect(p.losers.map((l) => [l.occurrence.name, l.overlapsWith.map((w) => w.objectId)])).toEqual([
      ['Sales Call', ['/calendars/meeting-room-1/copy-of-budget-review.ics', '/calendars/meeting-room-1/u-dup.ics']],
    ]);
  });

  it('collapses the same object, UID and RECURRENCE-ID given twice into one occurrence', () => {
    const series = hrSeries({ roomPartstat: 'ACCEPTED' });
    const p = plan([...series, series[1] as Occurrence, council]);
    expect(p.losers).toHaveLength(1);
  });
});

describe('planClearing: the past', () => {
  it('never acts on, nor blocks with, occurrences that ended at or before now', () => {
    const now = new Date('2025-07-16T09:00:00Z');
    const earlyPast = single('u-ep', 'Breakfast Briefing', '2025-07-16T07:00:00Z', '2025-07-16T08:30:00Z', '2025-01-01T00:00:00Z');
    const latePast = single('u-lp', 'Coffee Chat', '2025-07-16T08:00:00Z', '2025-07-16T09:00:00Z', '2025-06-01T00:00:00Z');
    // Ends after now: still in play, and not blocked by the earlier-booked but past Breakfast Briefing.
    const running = single('u-run', 'Strategy Session', '2025-07-16T08:15:00Z', '2025-07-16T10:00:00Z', '2025-06-15T00:00:00Z');
    expect(plan([earlyPast, latePast, running], now)).toEqual(EMPTY);
  });

  it('still resolves an occurrence in progress (it ends after now)', () => {
    const now = new Date('2025-07-16T09:00:00Z');
    const earlier = single('u-e', 'Strategy Session', '2025-07-16T08:00:00Z', '2025-07-16T10:00:00Z', '2025-01-01T00:00:00Z');
    const later = single('u-l', 'Sprint Planning', '2025-07-16T08:30:00Z', '2025-07-16T09:30:00Z', '2025-06-01T00:00:00Z');
    expect(plan([later, earlier], now).losers.map((l) => l.occurrence.name)).toEqual(['Sprint Planning']);
  });
});

describe('planClearing: invalid input', () => {
  it('rejects an invalid now, start or end, and an end before the start', () => {
    expect(() => planClearing({ occurrences: [], priorityTokens: [], now: new Date('nope') })).toThrow(RangeError);
    const bad = single('u-bad', 'Broken', '2025-07-16T10:00:00Z', '2025-07-16T09:00:00Z', null);
    expect(() => plan([bad])).toThrow(/u-bad .* invalid start\/end/);
    expect(() => plan([{ ...bad, start: new Date(Number.NaN) }])).toThrow(RangeError);
  });

  it('plans an empty calendar', () => {
    expect(plan([])).toEqual(EMPTY);
  });
});
