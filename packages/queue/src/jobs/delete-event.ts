import { Type, type Static } from 'typebox';

export const DeleteEventPayload = Type.Object({
  calendarId: Type.Integer(),
  userId: Type.Integer(),
  uid: Type.String({ minLength: 1, maxLength: 255 }),
});
export type DeleteEventPayload = Static<typeof DeleteEventPayload>;

export const DeleteEventResult = Type.Object({
  id: Type.String(),
  href: Type.String(),
  deleted: Type.Boolean(),
  auditId: Type.Integer({ description: 'audit_log entry holding the deleted object' }),
});
export type DeleteEventResult = Static<typeof DeleteEventResult>;
