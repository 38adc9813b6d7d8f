import { MAX_CLEAR_INTERVAL_S, MAX_HORIZON_DAYS, MIN_CLEAR_INTERVAL_S } from '@roombook/service';
import { Type, type Static } from 'typebox';

import { slugString } from '../schemas/expected.js';
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
export const UserCreateSchema = Type.Object({ name: Name, email: Type.Optional(Type.String({ format: 'email' })) }, { additionalProperties: false });
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
  { additionalProperties: false },
);
export const KeyCreatedSchema = Type.Object({
  prefix: Type.String(),
  user: Type.String(),
  label: Type.Union([Type.String(), Type.Null()]),
  canPrioritize: Type.Boolean(),
  token: Type.String({ description: 'the API key; shown only in this answer, only its hash is stored' }),
});

/**
 * A calendar's settings, one property per field. Settings added later (booking rules, capacity,
 * features, …) go here and into `calendarFields` (console form) and the service's CalendarInput.
 */
export const calendarSettingProperties = {
  displayName: Type.Optional(Name),
  url: Type.String({ minLength: 1, description: 'CalDAV collection URL (http or https, no credentials in it)' }),
  username: Name,
  password: Type.String({ minLength: 1, description: 'CalDAV password; stored encrypted, never shown back' }),
  timeZone: Type.Optional(Type.String({ description: 'IANA time zone, e.g. Europe/Berlin' })),
  roomEmail: Type.Optional(Type.Union([Type.String({ format: 'email' }), Type.Null()], { description: 'null forgets it' })),
  autoClear: Type.Optional(Type.Boolean()),
  clearIntervalSeconds: Type.Optional(Type.Integer({ minimum: MIN_CLEAR_INTERVAL_S, maximum: MAX_CLEAR_INTERVAL_S })),
  horizonDays: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_HORIZON_DAYS })),
};

const Verify = Type.Optional(Type.Boolean({ description: 'ask the CalDAV server first (default true)' }));

export const CalendarCreateSchema = Type.Object(
  { slug: slugString(), ...calendarSettingProperties, verify: Verify },
  { additionalProperties: false },
);
export type CalendarCreate = Static<typeof CalendarCreateSchema>;

export const CalendarUpdateSchema = Type.Object(
  {
    ...Type.Partial(Type.Object(calendarSettingProperties)).properties,
    mailEnabled: Type.Optional(Type.Boolean()),
    template: Type.Optional(Type.Union([Name, Type.Null()], { description: 'template name; null = the built-in one' })),
    verify: Verify,
  },
  { additionalProperties: false, minProperties: 1 },
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
  createdAt: DateTime,
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
  { additionalProperties: false },
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
  { additionalProperties: false },
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
