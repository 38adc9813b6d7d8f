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
  },
  {
    additionalProperties: false,
    examples: [{ name: 'Team meeting', start: '2025-01-02T12:00:00', end: '2025-01-02T13:00:00' }],
  },
);
export type CreateEvent = Static<typeof CreateEventSchema>;

export const CreateEventAccepted = Type.Object(
  { id: Type.String({ description: '22-character event id, also the UID' }), job: JobRefSchema },
  { examples: [{ id: '4zx3QAFzoxV3vaZSKGaH2S', job: { id: '0b6a3c3e-8f7e-4a55-9d1c-2f1f0d3f6a11', state: 'waiting', url: '/api/jobs/0b6a3c3e-8f7e-4a55-9d1c-2f1f0d3f6a11' } }] },
);

export const CreateEventCreated = Type.Object(
  { id: Type.String() },
  { description: 'with Prefer: wait, once the event is on the server (the seed\'s answer)', examples: [{ id: '4zx3QAFzoxV3vaZSKGaH2S' }] },
);

export const JobAccepted = Type.Object({ job: JobRefSchema });
