import { Type } from 'typebox';

/** A room's attributes for find-a-room (issue 12), as `roombook calendar create/update` sets them. */
export const RoomAttributesSchema = Type.Object({
  capacity: Type.Union([Type.Integer(), Type.Null()], { description: 'how many people the room seats; null: not stated' }),
  features: Type.Array(Type.String(), { description: 'what the room offers, e.g. "projector"; empty: none stated' }),
  location: Type.Union([Type.String(), Type.Null()], { description: 'where the room is, free text; null: not stated' }),
});

export const CalendarSchema = Type.Object({
  slug: Type.String(),
  name: Type.String(),
  time_zone: Type.String(),
  conflicts: Type.Union([Type.Literal('reject'), Type.Literal('allow')], {
    description: 'reject: a clashing booking is refused when it is made (409); allow: it is booked and the clear removes the loser',
  }),
  series_max_conflicts: Type.Integer({ description: 'a series with at most this many clashing occurrences is booked without them' }),
  rules: Type.Object(
    {
      max_days_ahead: Type.Union([Type.Integer(), Type.Null()]),
      min_minutes: Type.Union([Type.Integer(), Type.Null()]),
      max_minutes: Type.Union([Type.Integer(), Type.Null()]),
      opening_hours: Type.Union([Type.String(), Type.Null()], { description: 'in the room\'s zone' }),
    },
    { description: 'booking rules (null: no limit); a booking may never start more than 5 minutes in the past' },
  ),
  ...RoomAttributesSchema.properties,
});

export const CalendarListSchema = Type.Object(
  { calendars: Type.Array(CalendarSchema) },
  {
    examples: [
      {
        calendars: [
          {
            slug: 'meeting-room-1',
            name: 'Meeting room 1',
            time_zone: 'Europe/Berlin',
            conflicts: 'reject',
            series_max_conflicts: 2,
            rules: { max_days_ahead: 90, min_minutes: 15, max_minutes: 480, opening_hours: 'Mon-Fri 07:00-20:00, Sat 09:00-13:00' },
            capacity: 8,
            features: ['projector', 'video-conference'],
            location: 'Building A, 2nd floor',
          },
        ],
      },
    ],
  },
);
