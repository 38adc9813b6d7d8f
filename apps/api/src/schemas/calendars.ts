import { Type } from 'typebox';

export const CalendarSchema = Type.Object({
  slug: Type.String(),
  name: Type.String(),
  time_zone: Type.String(),
});

export const CalendarListSchema = Type.Object(
  { calendars: Type.Array(CalendarSchema) },
  { examples: [{ calendars: [{ slug: 'meeting-room-1', name: 'Meeting room 1', time_zone: 'Europe/Berlin' }] }] },
);
