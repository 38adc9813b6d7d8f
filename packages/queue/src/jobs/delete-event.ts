import { Type, type Static } from 'typebox';

export const DeleteEventPayload = Type.Object({
  calendarId: Type.Integer(),
  userId: Type.Integer(),
  uid: Type.String({ minLength: 1, maxLength: 255 }),
  /** cancel only the occurrence of the series starting at this instant (ISO-8601 UTC) */
  occurrence: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});
export type DeleteEventPayload = Static<typeof DeleteEventPayload>;

export const DeleteEventResult = Type.Object({
  id: Type.String(),
  href: Type.String(),
  deleted: Type.Boolean(),
  auditId: Type.Integer({ description: 'audit_log entry holding the deleted object' }),
  /** with `occurrence`: the RECURRENCE-ID (UTC) of the occurrence that was excluded (EXDATE); the series stays */
  excluded_occurrence: Type.Optional(Type.String()),
});
export type DeleteEventResult = Static<typeof DeleteEventResult>;
