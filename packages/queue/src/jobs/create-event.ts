import { Type, type Static } from 'typebox';

import { Instant } from './instant.js';

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
});
export type CreateEventPayload = Static<typeof CreateEventPayload>;

export const CreateEventResult = Type.Object({
  id: Type.String(),
  href: Type.String({ description: 'URL of the new calendar object' }),
  etag: Type.Union([Type.String(), Type.Null()]),
  /** true when a retry found the object already written by an earlier attempt */
  alreadyExisted: Type.Boolean(),
});
export type CreateEventResult = Static<typeof CreateEventResult>;
