import { Type, type Static } from 'typebox';

import { LOCAL_OR_OFFSET_DATETIME } from '../lib/local-time.js';
import { caseInsensitive, patternString } from './expected.js';

/** Longest span free/busy and find-a-room answer for (issue 12), in days of the wall clock. */
export const MAX_SPAN_DAYS = 62;

const SpanTime = (which: 'start' | 'end') =>
  patternString(LOCAL_OR_OFFSET_DATETIME, 'a date-time like "2025-01-02T12:00" or "2025-01-02T12:00:00+01:00"', {
    description: `${which} of the span, ISO-8601. With an offset it is exact; without one it is wall-clock time in \`timezone\`, else in the rooms' zone when all rooms asked about share one, else in TIME_ZONE. At most ${MAX_SPAN_DAYS} days after start.`,
    examples: [which === 'start' ? '2025-07-14T14:00:00+02:00' : '2025-07-14T15:00:00+02:00'],
  });

const TimeZoneParam = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'IANA zone for `start`/`end` given without an offset, and for the `start`/`end` of the answer',
  examples: ['Europe/Berlin'],
});

const SLUG = '[a-z0-9][a-z0-9-]{0,62}';
/** 1 to 100 comma-separated slugs. */
const SLUG_LIST = `^${SLUG}(,${SLUG}){0,99}$`;
const FEATURE = '[^,]{1,64}';
/** 1 to 20 comma-separated features, none empty. */
const FEATURE_LIST = `^${FEATURE}(,${FEATURE}){0,19}$`;
const FRESH_VALUES = ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'];
const FRESH_PATTERN = `^(?:${FRESH_VALUES.map(caseInsensitive).join('|')})$`;
/** `fresh` values that ask for a refresh first. */
export const FRESH_TRUE = new Set(['true', '1', 'yes', 'on']);

export const FreeBusyQuerySchema = Type.Object(
  {
    calendars: Type.Optional(
      patternString(SLUG_LIST, 'comma-separated calendar slugs like "meeting-room-1,meeting-room-2" (at most 100)', {
        description: "calendar slugs, comma-separated; absent = all of the caller's calendars. A slug not granted to the caller is 404.",
        examples: ['meeting-room-1,meeting-room-2'],
      }),
    ),
    start: SpanTime('start'),
    end: SpanTime('end'),
    timezone: Type.Optional(TimeZoneParam),
    fresh: Type.Optional(
      patternString(FRESH_PATTERN, `one of ${FRESH_VALUES.join(', ')}`, {
        description:
          'true/1/yes/on: first refresh these calendars from their servers (a `refresh-calendar` job each) and wait up to 10 s for that; the answer says per calendar whether it was (`refresh`). Counts against the per-key job rate limit.',
        examples: ['true'],
      }),
    ),
  },
  { additionalProperties: false },
);
export type FreeBusyQuery = Static<typeof FreeBusyQuerySchema>;

const Instant = (description: string) => Type.String({ format: 'date-time', description });

export const BusySchema = Type.Object({
  start: Instant("in the room's offset"),
  end: Instant("in the room's offset"),
});

export const FreeBusyCalendarSchema = Type.Object({
  calendar: Type.String({ description: 'calendar slug' }),
  busy: Type.Array(BusySchema, {
    description:
      'when the room is taken within the span, sorted; overlapping and back-to-back events are one interval, clipped to the span. Cancelled, declined and transparent events are free (the clearing rules). Only as good as `complete` and `stale` say.',
  }),
  as_of: Type.Union([Instant('when the mirror last agreed with the room\'s server'), Type.Null()], {
    description: 'when the busy times were read from the room\'s server; null: never read yet (then `busy` is empty because nothing is known, not because the room is free)',
  }),
  stale: Type.Boolean({
    description: 'true when the mirror was never read, its last refresh failed (see `error`), or a refresh asked for with `fresh=true` did not finish in time',
  }),
  complete: Type.Boolean({ description: 'the mirror has been read and its window covers the whole span; busy time outside `window` is not known' }),
  window: Type.Union([Type.Object({ from: Instant('in the room\'s offset'), to: Instant('in the room\'s offset') }), Type.Null()], {
    description: 'the span the mirror holds busy times for (from the start of the day of the last refresh to the calendar\'s horizon); null: never read',
  }),
  error: Type.Union([Type.Object({ message: Type.String(), at: Instant('when the refresh failed') }), Type.Null()], {
    description: 'the last refresh failed after `as_of`: why, and when; the busy times are the last good ones',
  }),
  refresh: Type.Optional(
    Type.Union([Type.Literal('done'), Type.Literal('failed'), Type.Literal('pending'), Type.Literal('unavailable')], {
      description:
        'with `fresh=true` only: done (refreshed before this answer), failed (see `error`), pending (not finished within 10 s, or this API key holds too many waits open already; it goes on in the background), unavailable (Redis is down: no refresh was queued)',
    }),
  ),
});

export const FreeBusySchema = Type.Object(
  {
    start: Instant('the span asked for, in `timezone` (else the zone the request was read in)'),
    end: Instant('the span asked for'),
    calendars: Type.Array(FreeBusyCalendarSchema, { description: 'in slug order' }),
  },
  {
    examples: [
      {
        start: '2025-07-14T08:00:00+02:00',
        end: '2025-07-14T18:00:00+02:00',
        calendars: [
          {
            calendar: 'meeting-room-1',
            busy: [
              { start: '2025-07-14T09:00:00+02:00', end: '2025-07-14T11:00:00+02:00' },
              { start: '2025-07-14T14:00:00+02:00', end: '2025-07-14T15:00:00+02:00' },
            ],
            as_of: '2025-07-14T07:59:31+02:00',
            stale: false,
            complete: true,
            window: { from: '2025-07-14T00:00:00+02:00', to: '2026-07-14T00:00:00+02:00' },
            error: null,
          },
          {
            calendar: 'meeting-room-2',
            busy: [],
            as_of: '2025-07-14T06:12:04+02:00',
            stale: true,
            complete: true,
            window: { from: '2025-07-14T00:00:00+02:00', to: '2026-07-14T00:00:00+02:00' },
            error: { message: 'CalDAV server unavailable: 503 Service Unavailable', at: '2025-07-14T07:59:40+02:00' },
          },
        ],
      },
    ],
  },
);

export const AvailableQuerySchema = Type.Object(
  {
    start: SpanTime('start'),
    end: SpanTime('end'),
    timezone: Type.Optional(TimeZoneParam),
    capacity: Type.Optional(
      patternString('^[0-9]{1,5}$', 'a whole number of people like "6"', {
        description: 'rooms seating at least this many; rooms whose capacity is not stated do not match',
        examples: ['6'],
      }),
    ),
    features: Type.Optional(
      patternString(FEATURE_LIST, 'comma-separated features like "projector,whiteboard" (at most 20)', {
        description: 'rooms offering all of these (compared without regard to letter case)',
        examples: ['projector,video-conference'],
      }),
    ),
  },
  { additionalProperties: false },
);
export type AvailableQuery = Static<typeof AvailableQuerySchema>;

export const AvailableRoomSchema = Type.Object({
  calendar: Type.String({ description: 'calendar slug, to book with `POST /api/{calendar}/events`' }),
  name: Type.String(),
  capacity: Type.Union([Type.Integer(), Type.Null()]),
  features: Type.Array(Type.String()),
  location: Type.Union([Type.String(), Type.Null()]),
  as_of: Instant("when the room's busy times were last read from its server"),
});

export const AvailableRoomsSchema = Type.Array(AvailableRoomSchema, {
  description:
    "the caller's rooms that are free for the whole span, match `capacity` and `features`, and could be booked for it under their booking rules (opening hours, minimum and maximum length, days ahead, not in the past); in slug order. A room whose mirror was never read or does not cover the span is not listed.",
  examples: [
    [
      { calendar: 'meeting-room-1', name: 'Meeting room 1', capacity: 8, features: ['projector', 'video-conference'], location: 'Building A, 2nd floor', as_of: '2025-07-14T13:59:31+02:00' },
      { calendar: 'meeting-room-3', name: 'Meeting room 3', capacity: 12, features: ['projector', 'video-conference', 'whiteboard'], location: 'Building B', as_of: '2025-07-14T13:59:12+02:00' },
    ],
  ],
});
