import { Type, type Static } from 'typebox';

import { LOCAL_OR_OFFSET_DATETIME } from '../lib/local-time.js';
import { slugString, patternString } from './expected.js';
import { JobRefSchema } from './jobs.js';

const DateTimeInput = patternString(LOCAL_OR_OFFSET_DATETIME, 'a date-time like "2025-01-02T12:00" or "2025-01-02T12:00:00+01:00"', {
  description: 'ISO-8601; with an offset it is exact, without one it is wall-clock time in `timezone`, else the calendar\'s zone, else TIME_ZONE. Seconds optional.',
});

export const CalendarParams = Type.Object({
  calendar: slugString({ description: 'calendar slug' }),
});

export const EventParams = Type.Object({
  calendar: slugString(),
  id: Type.String({ minLength: 1, maxLength: 255, description: 'event id (the iCalendar UID)' }),
});

export const CreateEventSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255, description: 'becomes SUMMARY' }),
    start: DateTimeInput,
    end: DateTimeInput,
    description: Type.Optional(Type.String({ maxLength: 10_000 })),
    organizer: Type.Optional(Type.String({ format: 'email', description: 'ORGANIZER of the event; receives clearing mails' })),
    prioritized: Type.Optional(
      Type.Boolean({
        description: 'keep the room against non-prioritized bookings in a clear; only for API keys created with --can-prioritize (403 otherwise)',
      }),
    ),
    timezone: Type.Optional(
      Type.String({ minLength: 1, description: 'IANA zone for naive start/end and for DTSTART/DTEND (default: the calendar\'s zone, else TIME_ZONE)' }),
    ),
    rrule: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 500,
        description:
          'book a series: an RFC 5545 RRULE value with FREQ DAILY, WEEKLY or MONTHLY, optional INTERVAL, BYDAY, BYMONTHDAY, and exactly one of COUNT or UNTIL (UNTIL without Z is wall-clock time in `timezone`); at most 366 occurrences, each must pass the calendar\'s booking rules. `start`/`end` are the first occurrence.',
        examples: ['FREQ=WEEKLY;BYDAY=MO;COUNT=10'],
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      { name: 'Team meeting', start: '2025-01-02T12:00:00', end: '2025-01-02T13:00:00' },
      { name: 'Weekly sync', start: '2025-03-03T18:00:00', end: '2025-03-03T19:00:00', rrule: 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20250428' },
    ],
  },
);
export type CreateEvent = Static<typeof CreateEventSchema>;

export const CreateEventAccepted = Type.Object(
  { id: Type.String({ description: '22-character event id, also the UID' }), job: JobRefSchema },
  { examples: [{ id: '4zx3QAFzoxV3vaZSKGaH2S', job: { id: '0b6a3c3e-8f7e-4a55-9d1c-2f1f0d3f6a11', state: 'waiting', url: '/api/jobs/0b6a3c3e-8f7e-4a55-9d1c-2f1f0d3f6a11' } }] },
);

const SkippedOccurrence = Type.Object({
  start: Type.String(),
  end: Type.String(),
  conflicts: Type.Array(Type.Object({ name: Type.String(), start: Type.String(), end: Type.String() })),
});

export const CreateEventCreated = Type.Object(
  {
    id: Type.String(),
    occurrences: Type.Optional(Type.Integer({ description: 'for a series: how many occurrences were written' })),
    skipped_occurrences: Type.Optional(
      Type.Array(SkippedOccurrence, { description: 'for a series: clashing occurrences left out (EXDATE), at most the calendar\'s series-max-conflicts' }),
    ),
  },
  {
    description: 'with Prefer: wait, once the event is on the server (the seed\'s answer)',
    examples: [
      { id: '4zx3QAFzoxV3vaZSKGaH2S' },
      {
        id: '7b2Kq1xYc9Vn3LmP0aQrTs',
        occurrences: 9,
        skipped_occurrences: [
          { start: '2025-03-17T18:00:00+01:00', end: '2025-03-17T19:00:00+01:00', conflicts: [{ name: 'Board meeting', start: '2025-03-17T17:30:00+01:00', end: '2025-03-17T20:00:00+01:00' }] },
        ],
      },
    ],
  },
);

export const DeleteEventQuery = Type.Object({
  occurrence: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'cancel only this occurrence of a series (EXDATE), named by its start (ISO-8601; without an offset, the room\'s wall clock); without it the whole series goes',
      examples: ['2025-03-17T18:00:00+01:00'],
    }),
  ),
});

export const JobAccepted = Type.Object({ job: JobRefSchema });
