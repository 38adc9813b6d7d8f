import { Type } from 'typebox';

import { ProblemSchema } from './problem.js';

const Conflict = Type.Object({
  name: Type.String({ description: 'SUMMARY of the event that holds the room' }),
  start: Type.String({ description: 'ISO-8601 with the room\'s offset' }),
  end: Type.String(),
});

const ClashingOccurrence = Type.Object({ start: Type.String(), end: Type.String(), conflicts: Type.Array(Conflict) });

/** 409 of a booking: the room is taken (issue 11). Also the generic 409s (an Idempotency-Key still in flight). */
export const ConflictProblemSchema = Type.Object(
  {
    ...ProblemSchema.properties,
    conflicts: Type.Optional(Type.Array(Conflict, { description: 'every event in the way' })),
    clashing_occurrences: Type.Optional(Type.Array(ClashingOccurrence, { description: 'for a series: every occurrence that clashes' })),
  },
  {
    description: 'the room is taken: nothing was written',
    examples: [
      {
        type: '/problems/conflict',
        title: 'Room taken',
        status: 409,
        detail: 'the room is taken: "Board meeting" 2025-01-02T11:30:00+01:00 to 2025-01-02T13:00:00+01:00; nothing was written',
        instance: '/api/meeting-room-1/events',
        conflicts: [{ name: 'Board meeting', start: '2025-01-02T11:30:00+01:00', end: '2025-01-02T13:00:00+01:00' }],
      },
    ],
  },
);

/** 422 of a booking that breaks one of the calendar's rules (also the generic 422s: an Idempotency-Key reused). */
export const BookingRuleProblemSchema = Type.Object(
  {
    ...ProblemSchema.properties,
    rule: Type.Optional(
      Type.Union(['max-days-ahead', 'min-minutes', 'max-minutes', 'opening-hours', 'past'].map((r) => Type.Literal(r)), {
        description: 'the rule the booking breaks',
      }),
    ),
    occurrence: Type.Optional(
      Type.Object({ index: Type.Integer({ description: '1 = the first occurrence' }), start: Type.String(), end: Type.String() }, { description: 'for a series: the first occurrence that breaks the rule' }),
    ),
  },
  {
    description: 'the booking breaks a rule of the calendar',
    examples: [
      {
        type: '/problems/booking-rule',
        title: 'Booking rule',
        status: 422,
        detail: 'the booking Sat 2025-01-04 18:00 (Europe/Berlin) to 19:00 is outside the room\'s opening hours (Mon-Fri 07:00-20:00, Sat 09:00-13:00)',
        instance: '/api/meeting-room-1/events',
        rule: 'opening-hours',
      },
    ],
  },
);
