import { ClearReport } from '@roombook/queue';
import { Type } from 'typebox';

import { caseInsensitive, patternString, slugString } from './expected.js';
import { JobRefSchema } from './jobs.js';

/** The seed's spellings of a dry run, in any letter case. */
export const TEST_TRUE = ['1', 'ok', 'on', 'true', 'yes'] as const;
/**
 * The obvious spellings of "not a dry run". Anything else is refused: the seed treated every
 * unknown value (`test=maybe`, `test=ture`) as false, so a typo ran a live clear.
 */
export const TEST_FALSE = ['', '0', 'off', 'false', 'no'] as const;

const TEST_PATTERN = `^(?:${[...TEST_TRUE, ...TEST_FALSE].map(caseInsensitive).join('|')})$`;

export const ClearQuerySchema = Type.Object({
  calendar: Type.Optional(slugString({ description: "calendar slug; absent = all of the caller's calendars" })),
  test: Type.Optional(
    patternString(TEST_PATTERN, `${TEST_TRUE.join(', ')} (dry run) or ${TEST_FALSE.filter(Boolean).join(', ')} or empty (live clear)`, {
      description: 'dry run when 1, ok, on, true or yes (as the seed), nothing is written; live when 0, off, false, no or empty. Anything else is 400.',
      examples: ['on'],
    }),
  ),
});

export const ClearAcceptedSchema = Type.Object(
  {
    job: Type.Optional(JobRefSchema),
    jobs: Type.Array(JobRefSchema, { description: 'one clear job per calendar' }),
  },
  { examples: [{ job: { id: 'f1e2', state: 'waiting', url: '/api/jobs/f1e2' }, jobs: [{ id: 'f1e2', state: 'waiting', url: '/api/jobs/f1e2' }] }] },
);

export const ClearReportSchema = Type.Unsafe<ClearReport>({
  ...ClearReport,
  description: "the seed's clearing report, merged over the calendars, with each item's action, reason and status",
  examples: [
    {
      deleted_cancelled_events: [],
      deleted_overlapping_events: [
        {
          event: { uid: 'abeda082-2a4b-48a7-a92a-ba24575622ae', name: 'Fundraising Weekly', start: '2025-07-14T10:00:00+02:00', end: '2025-07-14T12:00:00+02:00', created: '2025-07-09T15:11:19+02:00', organizer: 'head-of-fundraising@my-awesome.org', recurrence_id: null },
          overlaps_with: { uid: '2051008d-6ce2-4489-b7d9-38d164c5e66e', name: 'Finance Monthly', start: '2025-07-14T10:00:00+02:00', end: '2025-07-14T12:00:00+02:00', created: '2025-01-14T08:33:20+01:00', organizer: 'head-of-finance@my-awesome.org', recurrence_id: null },
          also_overlaps: [],
          calendar: 'meeting-room-1',
          recurrence_id: null,
          action: 'deleted',
          reason: 'overlaps "Finance Monthly" (2025-07-14T08:00:00.000Z–2025-07-14T10:00:00.000Z), booked earlier',
          status: 'applied',
        },
      ],
      cancelled_overlapping_recurring_events: [],
      ignored_overlapping_events: [],
      test_mode: false,
      unreadable_objects: [],
      truncated_series: [],
      mails_queued: 1,
      windows: [{ calendar: 'meeting-room-1', from: '2025-07-14T00:00:00+02:00', to: '2026-07-14T00:00:00+02:00' }],
    },
  ],
});
