import {
  FEATURE_PATTERN,
  MAX_BOOKING_MINUTES,
  MAX_CAPACITY,
  MAX_CLEAR_INTERVAL_S,
  MAX_DAYS_AHEAD,
  MAX_FEATURES,
  MAX_HORIZON_DAYS,
  MAX_LOCATION_LENGTH,
  MAX_SERIES_CONFLICTS,
  MIN_CLEAR_INTERVAL_S,
} from '@roombook/service';
import { Type, type Static, type TSchema } from 'typebox';

import { patternString, slugString } from '../schemas/expected.js';
import { ProblemSchema } from '../schemas/problem.js';

/**
 * Admin API schemas (tag `admin`). The rules behind them (slug shape, URL, zone, interval bounds)
 * come from @roombook/service, which the CLI uses too; the routes run the service's checks after
 * these for what JSON Schema cannot say (a zone the runtime knows, a URL without credentials).
 */

/** Sent as ISO 8601; the services hand over Date objects, which the serializer writes as such. */
const DateTime = Type.Unsafe<Date>({ type: 'string', format: 'date-time' });
const MaybeDateTime = Type.Union([DateTime, Type.Null()]);

const Name = Type.String({ minLength: 1, maxLength: 100, description: 'no leading/trailing blanks or control characters' });
// Query strings and path parameters are strings: request validation does not coerce types (issue 10).
const Force = Type.Object({ force: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')], { description: 'true: go ahead although something depends on it' })) });

export const UserSchema = Type.Object({ id: Type.Integer(), name: Type.String(), email: Type.Union([Type.String(), Type.Null()]), createdAt: DateTime });
export const UserCreateSchema = Type.Object(
  { name: Name, email: Type.Optional(Type.String({ format: 'email' })) },
  { additionalProperties: false, examples: [{ name: 'booking-tool', email: 'it@example.org' }] },
);
export const UserDeletedSchema = Type.Object({ name: Type.String(), deleted: Type.Boolean(), keysDeleted: Type.Integer(), alsoRemoved: Type.Array(Type.String()) });

export const KeySchema = Type.Object({
  prefix: Type.String(),
  user: Type.String(),
  label: Type.Union([Type.String(), Type.Null()]),
  canPrioritize: Type.Boolean(),
  createdAt: DateTime,
  lastUsedAt: MaybeDateTime,
  revokedAt: MaybeDateTime,
});
export const KeyCreateSchema = Type.Object(
  { user: Name, label: Type.Optional(Name), canPrioritize: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, examples: [{ user: 'booking-tool', label: 'intranet', canPrioritize: false }] },
);
export const KeyCreatedSchema = Type.Object({
  prefix: Type.String(),
  user: Type.String(),
  label: Type.Union([Type.String(), Type.Null()]),
  canPrioritize: Type.Boolean(),
  token: Type.String({ description: 'the API key; shown only in this answer, only its hash is stored' }),
});

/** A rule or attribute that may be unset: null removes it (on update) or leaves it unset (on create). */
const Nullable = <T extends TSchema>(schema: T, description: string, examples: unknown[]) =>
  Type.Union([schema, Type.Null()], { description: `${description}; null: none`, examples });

/** Booking policy (issue 11), as `roombook calendar create/update --conflicts … --opening-hours …`. */
const policyProperties = {
  openDelete: Type.Optional(Type.Boolean({ description: "anyone granted the room may cancel any booking in it (the original app's behaviour); default false: only the booking's maker and managers", examples: [false] })),
  allowPrivateAddress: Type.Optional(Type.Boolean({ description: 'the CalDAV client may reach link-local / cloud metadata addresses (169.254.0.0/16, fe80::/10); default false', examples: [false] })),
  conflictPolicy: Type.Optional(Type.Union([Type.Literal('reject'), Type.Literal('allow')], { description: 'reject: a clashing booking is refused when it is made (default); allow: it is booked and the clear removes the loser', examples: ['reject'] })),
  seriesMaxConflicts: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_SERIES_CONFLICTS, description: 'a recurring booking with at most this many clashing occurrences is booked without them (default 0)', examples: [2] })),
  maxDaysAhead: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: MAX_DAYS_AHEAD }), 'bookings may start at most this many days ahead', [90])),
  minMinutes: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: MAX_BOOKING_MINUTES }), 'bookings last at least this many minutes', [15])),
  maxMinutes: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: MAX_BOOKING_MINUTES }), 'bookings last at most this many minutes', [240])),
  openingHours: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 500 }), "bookings lie inside one span, wall-clock time in the room's zone", ['Mon-Fri 07:00-20:00, Sat 09:00-13:00'])),
};

/** Room attributes (issue 12) that find-a-room filters on. */
const attributeProperties = {
  capacity: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: MAX_CAPACITY }), 'how many people the room seats', [12])),
  features: Type.Optional(
    Type.Array(patternString(FEATURE_PATTERN.source, 'a feature name: 1-40 lowercase letters, digits and "-" (e.g. "video-conf")'), {
      maxItems: MAX_FEATURES,
      description: 'what the room has, as lower-case slugs (letters, digits, "-"); repeats are dropped; [] removes them all',
      examples: [['projector', 'video-conf']],
    }),
  ),
  location: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: MAX_LOCATION_LENGTH }), 'where the room is, for people', ['Building B, 2nd floor'])),
};

/**
 * A calendar's settings, one property per field. Settings added later go here and into
 * `calendarFields` (console form) and the service's CalendarInput.
 */
export const calendarSettingProperties = {
  displayName: Type.Optional({ ...Name, examples: ['Room 1 (2nd floor)'] }),
  url: Type.String({ minLength: 1, description: 'CalDAV collection URL (http or https, no credentials in it)', examples: ['https://dav.example.org/calendars/rooms/room-1/'] }),
  username: { ...Name, examples: ['rooms'] },
  password: Type.String({ minLength: 1, description: 'CalDAV password; stored encrypted, never shown back', examples: ['correct horse battery staple'] }),
  timeZone: Type.Optional(Type.String({ description: 'IANA time zone, e.g. Europe/Berlin', examples: ['Europe/Berlin'] })),
  roomEmail: Type.Optional(Type.Union([Type.String({ format: 'email' }), Type.Null()], { description: "the room's calendar-user address (invitations to it are declined, not cancelled); null forgets it", examples: ['room-1@example.org'] })),
  autoClear: Type.Optional(Type.Boolean({ examples: [true] })),
  clearIntervalSeconds: Type.Optional(Type.Integer({ minimum: MIN_CLEAR_INTERVAL_S, maximum: MAX_CLEAR_INTERVAL_S, examples: [3600] })),
  horizonDays: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_HORIZON_DAYS, examples: [365] })),
  ...policyProperties,
  ...attributeProperties,
};

const Verify = Type.Optional(Type.Boolean({ description: 'ask the CalDAV server first (default true)' }));

export const CalendarCreateSchema = Type.Object(
  { slug: slugString(), ...calendarSettingProperties, verify: Verify },
  {
    additionalProperties: false,
    examples: [
      {
        slug: 'room-1',
        displayName: 'Room 1 (2nd floor)',
        url: 'https://dav.example.org/calendars/rooms/room-1/',
        username: 'rooms',
        password: 'correct horse battery staple',
        timeZone: 'Europe/Berlin',
        conflictPolicy: 'reject',
        maxDaysAhead: 90,
        openingHours: 'Mon-Fri 07:00-20:00',
        capacity: 12,
        features: ['projector', 'video-conf'],
        location: 'Building B, 2nd floor',
      },
    ],
  },
);
export type CalendarCreate = Static<typeof CalendarCreateSchema>;

export const CalendarUpdateSchema = Type.Object(
  {
    ...Type.Partial(Type.Object(calendarSettingProperties)).properties,
    mailEnabled: Type.Optional(Type.Boolean()),
    template: Type.Optional(Type.Union([Name, Type.Null()], { description: 'template name; null = the built-in one' })),
    verify: Verify,
  },
  { additionalProperties: false, minProperties: 1, examples: [{ maxMinutes: 120, openingHours: null, capacity: 10, features: ['projector'] }] },
);
export type CalendarUpdateBody = Static<typeof CalendarUpdateSchema>;

export const CalendarViewSchema = Type.Object({
  id: Type.Integer(),
  slug: Type.String(),
  displayName: Type.String(),
  url: Type.String(),
  username: Type.String(),
  timeZone: Type.String(),
  roomEmail: Type.Union([Type.String(), Type.Null()]),
  autoClear: Type.Boolean(),
  clearIntervalSeconds: Type.Integer(),
  horizonDays: Type.Integer(),
  mailEnabled: Type.Boolean(),
  template: Type.Union([Type.String(), Type.Null()]),
  openDelete: Type.Boolean(),
  allowPrivateAddress: Type.Boolean(),
  conflictPolicy: Type.Union([Type.Literal('reject'), Type.Literal('allow')]),
  seriesMaxConflicts: Type.Integer(),
  maxDaysAhead: Type.Union([Type.Integer(), Type.Null()]),
  minMinutes: Type.Union([Type.Integer(), Type.Null()]),
  maxMinutes: Type.Union([Type.Integer(), Type.Null()]),
  openingHours: Type.Union([Type.String(), Type.Null()]),
  capacity: Type.Union([Type.Integer(), Type.Null()]),
  features: Type.Array(Type.String()),
  location: Type.Union([Type.String(), Type.Null()]),
  mirror: Type.Object(
    {
      state: Type.Union([Type.Literal('synced'), Type.Literal('failed'), Type.Literal('never')], { description: 'synced: the last refresh of the calendar store worked; failed: the last one failed; never: none yet' }),
      refreshedAt: MaybeDateTime,
      failedAt: MaybeDateTime,
      error: Type.Union([Type.String(), Type.Null()], { description: 'why the last refresh failed, while state is failed' }),
    },
    { description: "the worker's copy of the calendar (free/busy, find-a-room read it): how old it is" },
  ),
  createdAt: DateTime,
}, {
  examples: [
    {
      id: 1, slug: 'room-1', displayName: 'Room 1 (2nd floor)', url: 'https://dav.example.org/calendars/rooms/room-1/', username: 'rooms',
      timeZone: 'Europe/Berlin', roomEmail: null, autoClear: true, clearIntervalSeconds: 3600, horizonDays: 365, mailEnabled: true, template: null,
      openDelete: false, allowPrivateAddress: false, conflictPolicy: 'reject', seriesMaxConflicts: 0, maxDaysAhead: 90, minMinutes: null, maxMinutes: 240,
      openingHours: 'Mon-Fri 07:00-20:00', capacity: 12, features: ['projector', 'video-conf'], location: 'Building B, 2nd floor',
      mirror: { state: 'synced', refreshedAt: '2026-11-29T09:58:00Z', failedAt: null, error: null }, createdAt: '2026-11-01T08:00:00Z',
    },
  ],
});
export const CalendarSavedSchema = Type.Object({ calendar: CalendarViewSchema, verified: Type.Boolean() });
export const ConnectionTestSchema = Type.Object({
  ok: Type.Boolean(),
  problem: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
  displayName: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});
export const SlugParams = Type.Object({ slug: slugString() });
export const GrantParams = Type.Object({ slug: slugString(), user: Name });
export const GrantsSchema = Type.Array(Type.Object({ calendar: Type.String(), users: Type.Array(Type.String()) }));
export const ForceQuery = Force;

export const TokenSchema = Type.Object({
  id: Type.Integer(),
  tokenHint: Type.String({ description: 'the start of the token; the full text is shown once, at creation' }),
  calendar: Type.Union([Type.String(), Type.Null()]),
  label: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  createdAt: DateTime,
  revokedAt: MaybeDateTime,
});
export const TokenCreateSchema = Type.Object(
  { calendar: Type.Union([slugString(), Type.Null()], { description: 'null: every calendar' }), label: Type.Optional(Name) },
  { additionalProperties: false, examples: [{ calendar: 'room-1', label: 'board meetings' }] },
);
export const TokenCreatedSchema = Type.Object({ id: Type.Integer(), calendar: Type.Union([Type.String(), Type.Null()]), label: Type.Union([Type.String(), Type.Null()]), token: Type.String() });

export const TemplateSchema = Type.Object({ id: Type.Integer(), name: Type.String(), subject: Type.String(), updatedAt: DateTime });
export const TemplateTextSchema = Type.Object(
  { subject: Type.String({ maxLength: 2000 }), body: Type.String({ maxLength: 200_000 }) },
  { additionalProperties: false },
);
export const TemplatePreviewRequestSchema = Type.Object(
  {
    name: Type.Optional(Type.Union([Name, Type.Null()], { description: 'a stored template; null or absent with no text: the built-in one' })),
    subject: Type.Optional(Type.String({ maxLength: 2000 })),
    body: Type.Optional(Type.String({ maxLength: 200_000 })),
    timeZone: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export const RenderedSchema = Type.Object({ subject: Type.String(), html: Type.String(), text: Type.String() });

export const AuditQuery = Type.Object({
  calendar: Type.Optional(slugString()),
  limit: Type.Optional(Type.String({ pattern: '^(?:[1-9][0-9]{0,3}|10000)$', description: '1 to 10000' })),
});
export const AuditEntrySchema = Type.Object({
  id: Type.Integer(),
  at: DateTime,
  calendar: Type.String(),
  uid: Type.String(),
  recurrenceId: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  href: Type.String(),
  jobId: Type.Union([Type.String(), Type.Null()]),
  state: Type.String({ description: 'pending | applied | failed' }),
  error: Type.Union([Type.String(), Type.Null()]),
});
export const RestoreResultSchema = Type.Object({
  id: Type.Integer(),
  uid: Type.String(),
  calendar: Type.String(),
  href: Type.String(),
  action: Type.String(),
  etag: Type.Union([Type.String(), Type.Null()]),
  auditId: Type.Integer(),
  method: Type.String({ description: 'recreated | reverted' }),
});
export const IdParams = Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,9}$', description: 'a positive integer' }) });

export const ClearNowSchema = Type.Object(
  { calendar: slugString(), test: Type.Boolean({ description: 'true: a dry run that plans and writes nothing' }) },
  { additionalProperties: false, examples: [{ calendar: 'room-1', test: true }] },
);
export const JobIdParams = Type.Object({ jobId: Type.String({ minLength: 1, maxLength: 200 }) });

/** The API's problem document plus what admin refusals carry (fields the serializer would drop otherwise). */
export const AdminProblemSchema = Type.Object({
  ...ProblemSchema.properties,
  dependents: Type.Optional(Type.Array(Type.String(), { description: 'what a refused deletion would take with it' })),
  problem: Type.Optional(Type.String({ description: 'why the CalDAV server did not confirm the calendar' })),
  part: Type.Optional(Type.String({ description: 'subject or body: where a template error is' })),
  line: Type.Optional(Type.Union([Type.Integer(), Type.Null()], { description: 'line of the template error in that part' })),
});
