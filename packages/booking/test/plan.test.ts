import { describe, expect, it } from 'vitest';
import { planClearing, type ClearingPlan, type Occurrence } from '../src/index.js';
import { NOW, TOKEN, shuffled, single, weekly } from './fixtures.js';

function plan(occurrences: Occurrence[], priorityTokens: string[] = [TOKEN], now: Date = NOW): ClearingPlan {
  return planClearing({ occurrences, priorityTokens, now });
}

/** A compact view of a plan for exact assertions: who loses (how, to whom), who is left alone. */
function summary(p: ClearingPlan) {
  return {
    deletedCancelled: p.deletedCancelled.map((d) => `${d.uid}@${d.occurrence.start.toISOString()}`),
    losers: p.losers.map(
      (l) =>
        `${l.occurrence.name}@${l.occurrence.start.toISOString()} ${l.action} <- ${l.overlapsWith.map((w) => w.name).join(', ')}`,
    ),
    ignored: p.ignored.map((i) => `${i.occurrence.name} ~ ${i.overlapsWith.name}`),
  };
}

const EMPTY = { deletedCancelled: [], losers: [], ignored: [] };

// The bookings of the seed README's example report (times in UTC).
const financeMonthly = single(
  '2051008d-6ce2-4489-b7d9-38d164c5e66e',
  'Finance Monthly',
  '2025-07-15T08:00:00Z',
  '2025-07-15T10:00:00Z',
  '2025-01-14T07:33:20Z',
  { organizer: 'head-of-finance@my-awesome.org' },
);
const fundraisingWeekly = single(
  'abeda082-2a4b-48a7-a92a-ba24575622ae',
  'Fundraising Weekly',
  '2025-07-13T22:00:00Z',
  '2025-07-18T22:00:00Z',
  '2025-07-09T13:11:19Z',
  { organizer: 'head-of-fundraising@my-awesome.org' },
);
const workersCouncil = single(
  'f2b7b703-dfba-4ae7-a0e9-bf0e7637c7e4',
  'Workers Council Meeting',
  '2025-07-14T12:00:00Z',
  '2025-07-14T13:00:00Z',
  '2025-02-10T11:33:39Z',
  { organizer: 'workers-council@my-awesome.org' },
);
const jobInterviews = weekly(
  'be6d2d42-513b-45ca-bb43-663e2a10a1d7',
  'Job Interviews',
  '2025-07-14T12:00:00Z',
  60,
  3,
  '2025-06-30T10:04:14Z',
  { organizer: 'head-of-hr@my-awesome.org', roomPartstat: 'ACCEPTED' },
);

describe('planClearing: who keeps the room', () => {
  it('replays the seed README example: earlier bookings win, a series loses one occurrence only', () => {
    const p = plan([fundraisingWeekly, financeMonthly, workersCouncil, ...jobInterviews]);
    expect(p.deletedCancelled).toEqual([]);
    expect(p.ignored).toEqual([]);
    expect(p.losers).toEqual([
      {
        occurrence: fundraisingWeekly,
        action: 'delete',
        // Job Interviews lost first, so it does not count against Fundraising Weekly.
        overlapsWith: [financeMonthly, workersCouncil],
        isPrioritized: false,
        isDeprioritized: false,
        reason:
          'overlaps "Finance Monthly" (2025-07-15T08:00:00.000Z–2025-07-15T10:00:00.000Z), booked earlier; ' +
          'overlaps "Workers Council Meeting" (2025-07-14T12:00:00.000Z–2025-07-14T13:00:00.000Z), booked earlier',
      },
      {
        occurrence: jobInterviews[0],
        action: 'decline',
        overlapsWith: [workersCouncil],
        isPrioritized: false,
        isDeprioritized: false,
        reason: 'overlaps "Workers Council Meeting" (2025-07-14T12:00:00.000Z–2025-07-14T13:00:00.000Z), booked earlier',
      },
    ]);
  });

  it('keeps the earlier booking and deletes the later non-recurring one', () => {
    const standup = single('u-standup', 'Team Standup', '2025-07-16T07:00:00Z', '2025-07-16T08:00:00Z', '2025-05-01T09:00:00Z');
    const review = single('u-review', 'Budget Review', '2025-07-16T07:30:00Z', '2025-07-16T09:00:00Z', '2025-06-01T09:00:00Z');
    const p = plan([review, standup]);
    expect(summary(p)).toEqual({
      ...EMPTY,
      losers: ['Budget Review@2025-07-16T07:30:00.000Z delete <- Team Standup'],
    });
  });

  it('does not treat touching bookings as overlapping', () => {
    const morning = single('u-m', 'Morning Workshop', '2025-07-16T07:00:00Z', '2025-07-16T10:00:00Z', '2025-06-01T00:00:00Z');
    const noon = single('u-n', 'Lunch & Learn', '2025-07-16T10:00:00Z', '2025-07-16T11:00:00Z', '2025-06-02T00:00:00Z');
    const before = single('u-b', 'Early Call', '2025-07-16T06:00:00Z', '2025-07-16T07:00:00Z', '2025-06-03T00:00:00Z');
    expect(plan([morning, noon, before])).toEqual(EMPTY);
  });

  it('lets a prioritized booking (token in DESCRIPTION) beat an earlier one, which is deprioritized', () => {
    const board = single('u-board', 'Board Meeting', '2025-07-15T08:30:00Z', '2025-07-15T09:30:00Z', '2025-07-01T00:00:00Z', {
      description: `Quarterly board session ${TOKEN}`,
      organizer: 'ceo@my-awesome.org',
    });
    const p = plan([financeMonthly, board]);
    expect(p.ignored).toEqual([]);
    expect(p.losers).toEqual([
      {
        occurrence: financeMonthly,
        action: 'delete',
        overlapsWith: [board],
        isPrioritized: false,
        isDeprioritized: true,
        reason: 'overlaps "Board Meeting" (2025-07-15T08:30:00.000Z–2025-07-15T09:30:00.000Z), which is prioritized',
      },
    ]);
  });

  it('treats prioritizedFlag (API booking by an allowed key) like a token', () => {
    const board = single('u-board', 'Board Meeting', '2025-07-15T08:30:00Z', '2025-07-15T09:30:00Z', '2025-07-01T00:00:00Z', {
      prioritizedFlag: true,
    });
    const p = plan([financeMonthly, board], []);
    expect(summary(p).losers).toEqual(['Finance Monthly@2025-07-15T08:00:00.000Z delete <- Board Meeting']);
    expect(p.losers[0]?.isDeprioritized).toBe(true);
  });

  it('does not mark a loser deprioritized when it was booked after the prioritized winner', () => {
    const board = single('u-board', 'Board Meeting', '2025-07-15T08:30:00Z', '2025-07-15T09:30:00Z', '2025-01-01T00:00:00Z', {
      description: TOKEN,
    });
    const p = plan([financeMonthly, board]);
    expect(p.losers.map((l) => [l.occurrence.name, l.isDeprioritized])).toEqual([['Finance Monthly', false]]);
  });

  it('matches tokens case-sensitively as plain substrings and ignores empty tokens', () => {
    const shouting = single('u-x', 'Board Meeting', '2025-07-15T08:30:00Z', '2025-07-15T09:30:00Z', '2025-07-01T00:00:00Z', {
      description: 'agenda: #BOARD (wrong case)',
    });
    // '' would match every description; it must not prioritize anything.
    expect(summary(plan([financeMonthly, shouting], ['', TOKEN])).losers).toEqual([
      'Board Meeting@2025-07-15T08:30:00.000Z delete <- Finance Monthly',
    ]);
    const embedded = { ...shouting, description: 'see wiki/#boardroom-rules' };
    expect(summary(plan([financeMonthly, embedded], [TOKEN])).losers).toEqual([
      'Finance Monthly@2025-07-15T08:00:00.000Z delete <- Board Meeting',
    ]);
  });

  it('keeps two overlapping prioritized bookings and reports the pair as ignored', () => {
    const board = single('u-board', 'Board Meeting', '2025-07-15T08:00:00Z', '2025-07-15T10:00:00Z', '2025-03-01T00:00:00Z', {
      description: TOKEN,
    });
    const audit = single('u-audit', 'External Audit', '2025-07-15T09:00:00Z', '2025-07-15T11:00:00Z', '2025-04-01T00:00:00Z', {
      prioritizedFlag: true,
    });
    const late = single('u-late', 'Sales Sync', '2025-07-15T10:30:00Z', '2025-07-15T11:30:00Z', '2025-01-01T00:00:00Z');
    const p = plan([late, audit, board]);
    expect(p.ignored).toEqual([{ occurrence: audit, overlapsWith: board }]);
    expect(summary(p).losers).toEqual(['Sales Sync@2025-07-15T10:30:00.000Z delete <- External Audit']);
    expect(p.losers[0]?.isDeprioritized).toBe(true);
  });

  it('rejects C only against accepted events: A overlaps B overlaps C, A beats B, C stays', () => {
    const a = single('u-a', 'Design Review', '2025-07-16T08:00:00Z', '2025-07-16T09:00:00Z', '2025-05-01T00:00:00Z');
    const b = single('u-b', 'Hiring Panel', '2025-07-16T08:30:00Z', '2025-07-16T09:30:00Z', '2025-05-02T00:00:00Z');
    const c = single('u-c', 'Vendor Demo', '2025-07-16T09:15:00Z', '2025-07-16T10:00:00Z', '2025-05-03T00:00:00Z');
    expect(summary(plan([c, b, a]))).toEqual({
      ...EMPTY,
      losers: ['Hiring Panel@2025-07-16T08:30:00.000Z delete <- Design Review'],
    });
  });

  it('lists every winner a loser overlaps, in walk order, and reports a non-recurring loser once', () => {
    const offsite = single('u-offsite', 'Marketing Offsite', '2025-07-16T07:00:00Z', '2025-07-16T16:00:00Z', '2025-06-20T00:00:00Z');
    const second = single('u-2', 'IT Onboarding', '2025-07-16T13:00:00Z', '2025-07-16T14:00:00Z', '2025-03-01T00:00:00Z');
    const first = single('u-1', 'Legal Briefing', '2025-07-16T08:00:00Z', '2025-07-16T09:00:00Z', '2025-02-01T00:00:00Z');
    const board = single('u-board', 'Board Prep', '2025-07-16T15:00:00Z', '2025-07-16T15:30:00Z', '2025-07-01T00:00:00Z', {
      description: TOKEN,
    });
    const p = plan([offsite, second, first, board]);
    expect(p.losers).toHaveLength(1);
    const loser = p.losers[0];
    expect(loser?.overlapsWith).toEqual([board, first, second]);
    expect(loser?.isDeprioritized).toBe(true);
    expect(loser?.reason).toBe(
      'overlaps "Board Prep" (2025-07-16T15:00:00.000Z–2025-07-16T15:30:00.000Z), which is prioritized; ' +
        'overlaps "Legal Briefing" (2025-07-16T08:00:00.000Z–2025-07-16T09:00:00.000Z), booked earlier; ' +
        'overlaps "IT Onboarding" (2025-07-16T13:00:00.000Z–2025-07-16T14:00:00.000Z), booked earlier',
    );
  });
});

describe('planClearing: ties and ordering', () => {
  it('decides bookings created at the same instant by UID', () => {
    const created = '2025-06-01T12:00:00Z';
    const zulu = single('zulu-uid', 'Product Sync', '2025-07-16T08:00:00Z', '2025-07-16T09:00:00Z', created);
    const alpha = single('alpha-uid', 'QA Sync', '2025-07-16T08:30:00Z', '2025-07-16T09:30:00Z', created);
    const p = plan([zulu, alpha]);
    expect(summary(p).losers).toEqual(['Product Sync@2025-07-16T08:00:00.000Z delete <- QA Sync']);
    expect(p.losers[0]?.reason).toBe(
      'overlaps "QA Sync" (2025-07-16T08:30:00.000Z–2025-07-16T09:30:00.000Z), booked at the same instant, so the UID decided',
    );
  });

  it('falls back to DTSTAMP and sorts undated bookings last', () => {
    const undated = single('a-undated', 'Walk-in', '2025-07-16T08:00:00Z', '2025-07-16T09:00:00Z', null);
    const stamped = single('z-stamped', 'Coaching', '2025-07-16T08:30:00Z', '2025-07-16T09:30:00Z', null, {
      dtstamp: new Date('2025-07-10T00:00:00Z'),
    });
    const created = single('m-created', 'Retro', '2025-07-16T09:00:00Z', '2025-07-16T10:00:00Z', '2025-07-12T00:00:00Z');
    // Coaching (DTSTAMP 07-10) beats Retro (CREATED 07-12); Walk-in has no date at all.
    expect(summary(plan([undated, created, stamped])).losers).toEqual([
      'Walk-in@2025-07-16T08:00:00.000Z delete <- Coaching',
      'Retro@2025-07-16T09:00:00.000Z delete <- Coaching',
    ]);
    const otherUndated = single('b-undated', 'Drop-in', '2025-07-16T08:15:00Z', '2025-07-16T08:45:00Z', null);
    const p = plan([otherUndated, undated]);
    expect(p.losers[0]?.reason).toBe(
      'overlaps "Walk-in" (2025-07-16T08:00:00.000Z–2025-07-16T09:00:00.000Z), neither has a booking date, so the UID decided',
    );
  });

  it('gives the same plan for any input order', () => {
    const board = single('u-board', 'Board Meeting', '2025-07-15T08:30:00Z', '2025-07-15T09:30:00Z', '2025-07-01T00:00:00Z', {
      description: TOKEN,
    });
    const audit = single('u-audit', 'External Audit', '2025-07-15T09:00:00Z', '2025-07-15T11:00:00Z', '2025-07-01T00:00:00Z', {
      description: TOKEN,
    });
    const sameCreated = single('u-same', 'Design Review', '2025-07-14T12:30:00Z', '2025-07-14T13:30:00Z', '2025-02-10T11:33:39Z');
    const cancelledSingle = single('u-cx', 'Old Party', '2025-07-17T16:00:00Z', '2025-07-17T20:00:00Z', '2025-01-01T00:00:00Z', {
      status: 'CANCELLED',
    });
    const standups = weekly('u-standup', 'Daily Standup', '2025-07-15T07:00:00Z', 30, 4, '2025-04-01T00:00:00Z');
    const all = [
      fundraisingWeekly,
      financeMonthly,
      workersCouncil,
      ...jobInterviews,
      board,
      audit,
      sameCreated,
      cancelledSingle,
      ...standups,
    ];
    const expected = plan(all);
    expect(summary(expected)).toEqual({
      deletedCancelled: ['u-cx@2025-07-17T16:00:00.000Z'],
      losers: [
        // Audit and Board were created at the same instant: 'u-audit' < 'u-board' walks Audit first.
        'Fundraising Weekly@2025-07-13T22:00:00.000Z delete <- External Audit, Board Meeting, Workers Council Meeting, Daily Standup',
        // Design Review ties Workers Council on CREATED and loses on UID, so it does not block Job Interviews.
        'Job Interviews@2025-07-14T12:00:00.000Z decline <- Workers Council Meeting',
        'Design Review@2025-07-14T12:30:00.000Z delete <- Workers Council Meeting',
        'Finance Monthly@2025-07-15T08:00:00.000Z delete <- External Audit, Board Meeting',
      ],
      ignored: ['Board Meeting ~ External Audit'],
    });
    for (let seed = 1; seed <= 20; seed++) {
      expect(plan(shuffled(all, seed))).toEqual(expected);
    }
  });
});
