import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { toJobView } from '../lib/job-view.js';
import { problem } from '../problems.js';
import { JobViewSchema } from '../schemas/jobs.js';
import { calendarCreateInput, calendarUpdateInput } from './calendar-input.js';
import { viaService } from './errors.js';
import {
  AdminProblemSchema,
  AuditEntrySchema,
  AuditQuery,
  CalendarCreateSchema,
  CalendarSavedSchema,
  CalendarUpdateSchema,
  CalendarViewSchema,
  ClearNowSchema,
  ConnectionTestSchema,
  ForceQuery,
  GrantParams,
  GrantsSchema,
  IdParams,
  JobIdParams,
  KeyCreatedSchema,
  KeyCreateSchema,
  KeySchema,
  RenderedSchema,
  RestoreResultSchema,
  SlugParams,
  TemplatePreviewRequestSchema,
  TemplateSchema,
  TemplateTextSchema,
  TokenCreatedSchema,
  TokenCreateSchema,
  TokenSchema,
  UserCreateSchema,
  UserDeletedSchema,
  UserSchema,
} from './schemas.js';
import type { AdminServices } from './services.js';

const problems = { 400: AdminProblemSchema, 401: AdminProblemSchema, 403: AdminProblemSchema, 404: AdminProblemSchema, 409: AdminProblemSchema, 422: AdminProblemSchema, 429: AdminProblemSchema, 503: AdminProblemSchema };
const tags = ['admin'];
const security = [{ adminToken: [] }];
const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) });
const PrefixParams = Type.Object({ prefix: Type.String({ minLength: 1, maxLength: 100 }) });

/**
 * The admin HTTP API under /api/admin: every CLI operation, over the same service layer. The
 * caller is authenticated by the enclosing plugin (Bearer ADMIN_TOKEN or a console session).
 */
export function adminApiRoutes(services: AdminServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    const s = services;
    const schema = <T extends object>(summary: string, rest: T) => ({ tags, security, summary, ...rest });

    app.get('/users', { schema: schema('List users', { response: { 200: Type.Array(UserSchema), ...problems } }) }, () => viaService(() => s.users.list()));
    app.post('/users', { schema: schema('Create a user', { body: UserCreateSchema, response: { 201: UserSchema, ...problems } }) }, async (request, reply) => {
      const user = await viaService(() => s.users.create({ name: request.body.name, email: request.body.email }));
      return reply.code(201).send(user);
    });
    app.delete('/users/:name', { schema: schema('Delete a user with their keys and grants', { params: NameParams, querystring: ForceQuery, response: { 200: UserDeletedSchema, ...problems } }) }, async (request) => {
      const { user, keysDeleted, removed } = await viaService(() => s.users.delete(request.params.name, { force: request.query.force === 'true' }));
      return { name: user.name, deleted: true, keysDeleted, alsoRemoved: removed };
    });

    app.get('/keys', { schema: schema('List API keys (never their tokens)', { response: { 200: Type.Array(KeySchema), ...problems } }) }, () => viaService(() => s.users.listKeys()));
    app.post('/keys', { schema: schema('Create an API key; its token is in this answer only', { body: KeyCreateSchema, response: { 201: KeyCreatedSchema, ...problems } }) }, async (request, reply) => {
      const key = await viaService(() => s.users.createKey({ userName: request.body.user, label: request.body.label, canPrioritize: request.body.canPrioritize === true }));
      return reply.code(201).send(key);
    });
    app.delete('/keys/:prefix', { schema: schema('Revoke an API key', { params: PrefixParams, response: { 200: KeySchema, ...problems } }) }, async (request) => {
      await viaService(() => s.users.revokeKey(request.params.prefix));
      const keys = await s.users.listKeys();
      return keys.find((k) => k.prefix === request.params.prefix)!;
    });

    app.get('/calendars', { schema: schema('List calendars (never their passwords)', { response: { 200: Type.Array(CalendarViewSchema), ...problems } }) }, () => viaService(() => s.calendars.list()));
    app.post('/calendars', { schema: schema('Register a room calendar; the CalDAV server is asked first unless verify=false', { body: CalendarCreateSchema, response: { 201: CalendarSavedSchema, ...problems } }) }, async (request, reply) => {
      const input = calendarCreateInput(request.body);
      const saved = await viaService(() => s.calendars.create(input, { verify: request.body.verify !== false }));
      return reply.code(201).send({ calendar: await s.calendars.view(saved.calendar), verified: saved.verified });
    });
    app.patch('/calendars/:slug', { schema: schema('Change a calendar; a new URL, user name or password is verified', { params: SlugParams, body: CalendarUpdateSchema, response: { 200: CalendarSavedSchema, ...problems } }) }, async (request) => {
      const change = calendarUpdateInput(request.body);
      const saved = await viaService(() => s.calendars.update(request.params.slug, change, { verify: request.body.verify !== false }));
      return { calendar: await s.calendars.view(saved.calendar), verified: saved.verified };
    });
    app.delete('/calendars/:slug', { schema: schema('Remove a calendar from roombook (its collection stays)', { params: SlugParams, querystring: ForceQuery, response: { 200: Type.Object({ slug: Type.String(), deleted: Type.Boolean(), alsoRemoved: Type.Array(Type.String()) }), ...problems } }) }, async (request) => {
      const { calendar, removed } = await viaService(() => s.calendars.delete(request.params.slug, { force: request.query.force === 'true' }));
      return { slug: calendar.slug, deleted: true, alsoRemoved: removed };
    });
    app.post('/calendars/:slug/test-connection', { schema: schema('Ask the CalDAV server whether the stored URL and credentials still reach a calendar', { params: SlugParams, response: { 200: ConnectionTestSchema, ...problems } }) }, (request) =>
      viaService(() => s.calendars.testConnection(request.params.slug)),
    );

    app.get('/grants', { schema: schema('Who may book each calendar', { response: { 200: GrantsSchema, ...problems } }) }, () => viaService(() => s.calendars.grants()));
    app.put('/calendars/:slug/users/:user', { schema: schema("Let a user's API keys book a calendar", { params: GrantParams, response: { 204: Type.Null(), ...problems } }) }, async (request, reply) => {
      await viaService(() => s.calendars.grant(request.params.slug, request.params.user));
      return reply.code(204).send(null);
    });
    app.delete('/calendars/:slug/users/:user', { schema: schema("Take a user's access away (refused while their keys were used in the last 30 days, unless force)", { params: GrantParams, querystring: ForceQuery, response: { 204: Type.Null(), ...problems } }) }, async (request, reply) => {
      await viaService(() => s.calendars.revoke(request.params.slug, request.params.user, { force: request.query.force === 'true' }));
      return reply.code(204).send(null);
    });

    app.get('/tokens', { schema: schema('List priority tokens (shortened)', { response: { 200: Type.Array(TokenSchema), ...problems } }) }, () => viaService(() => s.tokens.list()));
    app.post('/tokens', { schema: schema('Create a priority token; its text is in this answer only', { body: TokenCreateSchema, response: { 201: TokenCreatedSchema, ...problems } }) }, async (request, reply) => {
      const token = await viaService(() => s.tokens.create({ calendar: request.body.calendar, label: request.body.label }));
      return reply.code(201).send(token);
    });
    app.delete('/tokens/:id', { schema: schema('Deactivate a priority token', { params: IdParams, response: { 200: TokenSchema, ...problems } }) }, async (request) => {
      const revoked = await viaService(() => s.tokens.revoke({ id: Number(request.params.id) }));
      return (await s.tokens.list()).find((t) => t.id === revoked.id)!;
    });

    app.get('/templates', { schema: schema('List mail templates', { response: { 200: Type.Array(TemplateSchema), ...problems } }) }, () => viaService(() => s.templates.list()));
    app.get('/templates/:name', { schema: schema('One template with its text', { params: NameParams, response: { 200: Type.Object({ name: Type.String(), subject: Type.String(), body: Type.String() }), ...problems } }) }, (request) =>
      viaService(() => s.templates.get(request.params.name)),
    );
    app.put('/templates/:name', { schema: schema('Create or replace a template; refused (422, with part and line) when it does not render or its MJML is invalid', { params: NameParams, body: TemplateTextSchema, response: { 200: TemplateSchema, ...problems } }) }, (request) =>
      viaService(() => s.templates.set({ name: request.params.name, ...request.body })),
    );
    app.post('/templates/preview', { schema: schema('Render a stored template, unsaved text or the built-in one with sample data', { body: TemplatePreviewRequestSchema, response: { 200: RenderedSchema, ...problems } }) }, (request) => {
      const { name, subject, body, timeZone = app.config.TIME_ZONE } = request.body;
      if (subject !== undefined || body !== undefined) {
        if (subject === undefined || body === undefined) throw problem.validation('send both subject and body, or neither', []);
        return viaService(() => s.templates.previewText({ subject, body }, timeZone));
      }
      return viaService(() => s.templates.preview(name ?? null, timeZone));
    });

    app.get('/audit', { schema: schema('Audit log, newest first', { querystring: AuditQuery, response: { 200: Type.Array(AuditEntrySchema), ...problems } }) }, (request) =>
      viaService(() => s.audit.list({ calendar: request.query.calendar, limit: request.query.limit === undefined ? undefined : Number(request.query.limit) })),
    );
    app.post('/audit/:id/restore', { schema: schema('Put an object back as the entry recorded it, never over a newer version', { params: IdParams, querystring: ForceQuery, response: { 200: RestoreResultSchema, ...problems, 502: AdminProblemSchema } }) }, (request) =>
      viaService(() => s.audit.restore(Number(request.params.id), { force: request.query.force === 'true' })),
    );

    app.post('/clear', { schema: schema('Clear a calendar now (test=true: a dry run); answers the job to poll', { body: ClearNowSchema, response: { 202: JobViewSchema, ...problems } }) }, async (request, reply) => {
      const { jobId } = await viaService(() => s.clear.clearNow(request.body.calendar, { test: request.body.test }));
      const job = await app.queues.calendar.getJob(jobId);
      return reply.code(202).header('Location', `/api/admin/jobs/${encodeURIComponent(jobId)}`).send(await toJobView(job!, app.queues.redis));
    });
    app.get('/jobs/:jobId', { schema: schema("Any job's state and result", { params: JobIdParams, response: { 200: JobViewSchema, ...problems } }) }, async (request) => {
      const job = await app.queues.calendar.getJob(request.params.jobId);
      if (!job) throw problem.notFound(`no job ${request.params.jobId}`);
      return toJobView(job, app.queues.redis, () => app.queues.calendar.getJob(request.params.jobId));
    });
  };
}
