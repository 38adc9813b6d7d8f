import { Type, type Static } from 'typebox';

import { Instant } from './instant.js';

/** An event that holds the room when a booking wants it; times ISO-8601 with the room's offset. */
export const BookingConflict = Type.Object({ name: Type.String(), start: Type.String(), end: Type.String() });
export type BookingConflict = Static<typeof BookingConflict>;

/** One occurrence of a series that clashes, with the events it clashes with. */
export const SkippedOccurrence = Type.Object({ start: Type.String(), end: Type.String(), conflicts: Type.Array(BookingConflict) });
export type SkippedOccurrence = Static<typeof SkippedOccurrence>;

/**
 * What a create job refused for (job progress `phase: "refused"`, the job failed with CONFLICT):
 * every event in the way and, for a series, every clashing occurrence.
 */
export interface BookingRefusal {
  phase: 'refused';
  conflicts: BookingConflict[];
  clashing_occurrences?: SkippedOccurrence[];
}

/** Instants travel as ISO-8601 UTC strings; `timeZone` says how to write them into the VEVENT. */
export const CreateEventPayload = Type.Object({
  calendarId: Type.Integer(),
  userId: Type.Integer(),
  uid: Type.String({ minLength: 1, maxLength: 255 }),
  name: Type.String({ minLength: 1, maxLength: 255 }),
  start: Instant,
  end: Instant,
  timeZone: Type.String({ minLength: 1 }),
  description: Type.Optional(Type.String({ maxLength: 10_000 })),
  organizer: Type.Optional(Type.String({ format: 'email' })),
  /** booked with `prioritized: true` by a key allowed to: the event keeps the room in a clear */
  prioritized: Type.Optional(Type.Boolean()),
  /** an RRULE value already checked by parseBookingRrule: the booking is a series */
  rrule: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
});
export type CreateEventPayload = Static<typeof CreateEventPayload>;

export const CreateEventResult = Type.Object({
  id: Type.String(),
  href: Type.String({ description: 'URL of the new calendar object' }),
  etag: Type.Union([Type.String(), Type.Null()]),
  /** true when a retry found the object already written by an earlier attempt */
  alreadyExisted: Type.Boolean(),
  /** for a series: how many occurrences were written (without the skipped ones) */
  occurrences: Type.Optional(Type.Integer()),
  /** for a series: clashing occurrences left out (EXDATE), each with what holds the room then */
  skipped_occurrences: Type.Optional(Type.Array(SkippedOccurrence)),
});
export type CreateEventResult = Static<typeof CreateEventResult>;
