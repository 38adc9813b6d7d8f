import { Type, type Static } from 'typebox';

import { Instant } from './instant.js';

const DateTime = Instant;

export const NotifyEvent = Type.Object({
  name: Type.String(),
  start: DateTime,
  end: DateTime,
  created: Type.Union([DateTime, Type.Null()]),
  organizer: Type.Union([Type.String(), Type.Null()]),
  is_priorized: Type.Boolean(),
});

/**
 * One mail to one losing organizer. Carries the seed's template variables (instants as UTC ISO
 * strings; the mail worker renders them in the calendar's zone), never credentials.
 */
export const NotifyPayload = Type.Object({
  calendarId: Type.Integer(),
  clearJobId: Type.String(),
  to: Type.String({ format: 'email' }),
  event: Type.Object({
    uid: Type.String(),
    recurrence_id: Type.Union([Type.String(), Type.Null()]),
    name: Type.String(),
    start: DateTime,
    end: DateTime,
    created: Type.Union([DateTime, Type.Null()]),
    organizer: Type.String(),
    is_deleted: Type.Boolean(),
    is_cancelled: Type.Boolean(),
    is_recurring: Type.Boolean(),
    is_priorized: Type.Boolean(),
    is_deprioritized: Type.Boolean(),
  }),
  overlap_events: Type.Array(NotifyEvent),
});
export type NotifyPayload = Static<typeof NotifyPayload>;

export const NotifyResult = Type.Object({
  messageId: Type.String(),
  to: Type.String(),
  accepted: Type.Array(Type.String()),
});
export type NotifyResult = Static<typeof NotifyResult>;
