import { isExpiredClearReport, type ClearReport, type ExpiredClearReport } from '@roombook/queue';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { endSession, hasSession, safeEqual, startSession } from './auth.js';
import { formSections, formToBody, formValues } from './calendar-form.js';
import { consoleWebhookRoutes } from './console-webhooks.js';
import { lastClears, reportRows, syncLine, type MirrorJson } from './dashboard.js';

type Form = Record<string, string | string[] | undefined>;
interface ApiAnswer {
  status: number;
  // The admin API's answers, parsed; each page reads the fields it shows.
  body: Record<string, unknown> & { detail?: string; errors?: { field: string; message: string }[] };
  list: Record<string, unknown>[];
}

const str = (form: Form, name: string): string => {
  const value = form[name];
  return (Array.isArray(value) ? value[value.length - 1] : value)?.trim() ?? '';
};

/** Problem `errors` by form field (`body.url` -> `url`), for messages next to each field. */
function fieldErrors(answer: ApiAnswer): Record<string, string> {
  const out: Record<string, string> = {};
  // `body.features.1` (one item of a list) is shown beside its field, `features`.
  for (const e of answer.body.errors ?? []) out[e.field.replace(/^(body|params|querystring)\./, '').replace(/\.\d+$/, '')] ??= e.message;
  return out;
}

/**
 * The console at /admin: server-rendered pages whose every action is a call of the admin API
 * (in-process, with the admin token), so the console can do nothing the API cannot and both
 * answer with the same rules and messages.
 */
export function consoleRoutes(options: { adminToken: string }) {
  return async (app: FastifyInstance) => {
    const api = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown): Promise<ApiAnswer> => {
      const response = await app.inject({
        method,
        url: `/api/admin${url}`,
        headers: { authorization: `Bearer ${options.adminToken}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
      });
      const parsed: unknown = response.body === '' ? {} : JSON.parse(response.body);
      return { status: response.statusCode, body: (Array.isArray(parsed) ? {} : parsed) as ApiAnswer['body'], list: Array.isArray(parsed) ? (parsed as Record<string, unknown>[]) : [] };
    };
    const failed = (answer: ApiAnswer) => (answer.status >= 400 ? (answer.body.detail ?? `failed (${answer.status})`) : undefined);

    const page = (request: FastifyRequest, reply: FastifyReply, view: string, data: Record<string, unknown>, status = 200) =>
      reply.code(status).header('Cache-Control', 'no-store').view(view, { ...data, csrf: reply.generateCsrf(), path: request.url.split('?')[0] });

    // HTML pages are not API operations: kept out of the OpenAPI document.
    app.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, hide: true };
    });
    // Every page but the login form needs a session; the API's Bearer token is not accepted here.
    app.addHook('onRequest', async (request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      if (path === '/admin/login' || path.startsWith('/admin/assets/')) return;
      if (!hasSession(request)) await reply.redirect('/admin/login', 303);
    });
    const csrf = { preHandler: app.csrfProtection };

    app.get('/admin/login', (request, reply) => page(request, reply, 'login.liquid', {}));
    app.post('/admin/login', { ...csrf, config: { rateLimit: { max: 10, timeWindow: '1 minute' } } }, async (request, reply) => {
      const token = str(request.body as Form, 'token');
      if (!safeEqual(token, options.adminToken)) return page(request, reply, 'login.liquid', { error: 'That is not the admin token.' }, 401);
      startSession(request, reply);
      return reply.redirect('/admin', 303);
    });
    app.post('/admin/logout', csrf, async (_request, reply) => {
      endSession(reply);
      return reply.redirect('/admin/login', 303);
    });

    app.get('/admin', async (request, reply) => {
      const calendars = (await api('GET', '/calendars')).list;
      const clears = await lastClears(app.queues.calendar);
      const now = new Date();
      const rooms = calendars.map((c) => ({ ...c, lastClear: clears.get(c['id'] as number) ?? null, sync: syncLine(c['mirror'] as MirrorJson | undefined, now) }));
      const { calendar, mail, mirror, webhook } = app.queues;
      const queues = await Promise.all(Object.entries({ calendar, mail, mirror, webhook }).map(async ([name, queue]) => ({ name, counts: await queue.getJobCounts() })));
      return page(request, reply, 'dashboard.liquid', { rooms, queues });
    });

    // Users and keys
    const usersPage = async (request: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}, status = 200) =>
      page(request, reply, 'users.liquid', { users: (await api('GET', '/users')).list, keys: (await api('GET', '/keys')).list, ...extra }, status);
    app.get('/admin/users', (request, reply) => usersPage(request, reply));
    app.post('/admin/users', csrf, async (request, reply) => {
      const form = request.body as Form;
      const answer = await api('POST', '/users', { name: str(form, 'name'), ...(str(form, 'email') ? { email: str(form, 'email') } : {}) });
      return usersPage(request, reply, { userError: failed(answer), userErrors: fieldErrors(answer), message: answer.status === 201 ? `Created user ${String(answer.body['name'])}.` : undefined }, answer.status === 201 ? 200 : 422);
    });
    app.post('/admin/users/delete', csrf, async (request, reply) => {
      const form = request.body as Form;
      const answer = await api('DELETE', `/users/${encodeURIComponent(str(form, 'name'))}?force=${str(form, 'force') === 'on'}`);
      return usersPage(request, reply, { error: failed(answer), message: answer.status === 200 ? `Deleted user ${str(form, 'name')}.` : undefined });
    });
    app.post('/admin/keys', csrf, async (request, reply) => {
      const form = request.body as Form;
      const answer = await api('POST', '/keys', { user: str(form, 'user'), ...(str(form, 'label') ? { label: str(form, 'label') } : {}), canPrioritize: str(form, 'canPrioritize') === 'on' });
      return usersPage(request, reply, { keyError: failed(answer), createdKey: answer.status === 201 ? answer.body : undefined }, answer.status === 201 ? 200 : 422);
    });
    app.post('/admin/keys/revoke', csrf, async (request, reply) => {
      const prefix = str(request.body as Form, 'prefix');
      const answer = await api('DELETE', `/keys/${encodeURIComponent(prefix)}`);
      return usersPage(request, reply, { error: failed(answer), message: answer.status === 200 ? `Revoked key ${prefix}.` : undefined });
    });

    // Calendars
    const templatesList = async () => (await api('GET', '/templates')).list;
    const calendarsPage = async (request: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}, status = 200) =>
      page(request, reply, 'calendars.liquid', { calendars: (await api('GET', '/calendars')).list, sections: formSections('create'), values: { verify: true, conflictPolicy: 'reject' }, errors: {}, ...extra }, status);
    app.get('/admin/calendars', (request, reply) => calendarsPage(request, reply));
    app.post('/admin/calendars', csrf, async (request, reply) => {
      const form = request.body as Form;
      const body = formToBody(form, 'create');
      const answer = await api('POST', '/calendars', body);
      if (answer.status === 201) return calendarsPage(request, reply, { message: `Added calendar ${String(body['slug'])}.` });
      // The password is never sent back, not even into the form it came from.
      return calendarsPage(request, reply, { values: formValues({ ...body, password: '' }), errors: fieldErrors(answer), error: failed(answer) }, 422);
    });
    const editPage = async (request: FastifyRequest, reply: FastifyReply, slug: string, extra: Record<string, unknown> = {}, status = 200) => {
      const calendar = (await api('GET', '/calendars')).list.find((c) => c['slug'] === slug);
      if (!calendar) return reply.callNotFound();
      return page(request, reply, 'calendar-edit.liquid', { calendar, sections: formSections('update'), values: formValues({ ...calendar, verify: true }), errors: {}, templates: await templatesList(), ...extra }, status);
    };
    app.get<{ Params: { slug: string } }>('/admin/calendars/:slug', (request, reply) => editPage(request, reply, request.params.slug));
    app.post<{ Params: { slug: string } }>('/admin/calendars/:slug', csrf, async (request, reply) => {
      const body = formToBody(request.body as Form, 'update');
      const answer = await api('PATCH', `/calendars/${encodeURIComponent(request.params.slug)}`, body);
      if (answer.status === 200) return editPage(request, reply, request.params.slug, { message: 'Saved.' });
      return editPage(request, reply, request.params.slug, { values: formValues({ ...body, password: '' }), errors: fieldErrors(answer), error: failed(answer) }, 422);
    });
    app.post<{ Params: { slug: string } }>('/admin/calendars/:slug/test', csrf, async (request, reply) => {
      const answer = await api('POST', `/calendars/${encodeURIComponent(request.params.slug)}/test-connection`);
      const result = answer.body as { ok?: boolean; message?: string; displayName?: string | null };
      return editPage(request, reply, request.params.slug, result.ok ? { message: `Connection works${result.displayName ? ` (the server calls it "${result.displayName}")` : ''}.` } : { error: failed(answer) ?? `Connection failed: ${result.message ?? 'unknown'}` });
    });
    app.post<{ Params: { slug: string } }>('/admin/calendars/:slug/delete', csrf, async (request, reply) => {
      const answer = await api('DELETE', `/calendars/${encodeURIComponent(request.params.slug)}?force=${str(request.body as Form, 'force') === 'on'}`);
      if (answer.status === 200) return calendarsPage(request, reply, { message: `Removed calendar ${request.params.slug}.` });
      return editPage(request, reply, request.params.slug, { error: failed(answer) }, answer.status);
    });

    // Grants
    const grantsPage = async (request: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}, status = 200) =>
      page(request, reply, 'grants.liquid', { grants: (await api('GET', '/grants')).list, users: (await api('GET', '/users')).list, ...extra }, status);
    app.get('/admin/grants', (request, reply) => grantsPage(request, reply));
    app.post('/admin/grants', csrf, async (request, reply) => {
      const form = request.body as Form;
      const answer = await api('PUT', `/calendars/${encodeURIComponent(str(form, 'calendar'))}/users/${encodeURIComponent(str(form, 'user'))}`);
      return grantsPage(request, reply, { error: failed(answer), message: answer.status === 204 ? `${str(form, 'user')} may now book ${str(form, 'calendar')}.` : undefined }, answer.status === 204 ? 200 : 422);
    });
    app.post('/admin/grants/revoke', csrf, async (request, reply) => {
      const form = request.body as Form;
      const answer = await api('DELETE', `/calendars/${encodeURIComponent(str(form, 'calendar'))}/users/${encodeURIComponent(str(form, 'user'))}?force=${str(form, 'force') === 'on'}`);
      return grantsPage(request, reply, { error: failed(answer), message: answer.status === 204 ? `${str(form, 'user')} may no longer book ${str(form, 'calendar')}.` : undefined });
    });

    // Priority tokens
    const tokensPage = async (request: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}, status = 200) =>
      page(request, reply, 'tokens.liquid', { tokens: (await api('GET', '/tokens')).list, calendars: (await api('GET', '/calendars')).list, ...extra }, status);
    app.get('/admin/tokens', (request, reply) => tokensPage(request, reply));
    app.post('/admin/tokens', csrf, async (request, reply) => {
      const form = request.body as Form;
      const answer = await api('POST', '/tokens', { calendar: str(form, 'calendar') || null, ...(str(form, 'label') ? { label: str(form, 'label') } : {}) });
      return tokensPage(request, reply, { error: failed(answer), createdToken: answer.status === 201 ? answer.body : undefined }, answer.status === 201 ? 200 : 422);
    });
    app.post('/admin/tokens/revoke', csrf, async (request, reply) => {
      const id = str(request.body as Form, 'id');
      const answer = await api('DELETE', `/tokens/${encodeURIComponent(id)}`);
      return tokensPage(request, reply, { error: failed(answer), message: answer.status === 200 ? `Revoked token ${id}.` : undefined });
    });

    // Templates: an editor whose preview follows the text (htmx posts it as it changes).
    const templatesPage = async (request: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}, status = 200) => {
      const name = (request.query as { name?: string }).name;
      let draft = { name: '', subject: '', body: '' };
      if (name) {
        const stored = await api('GET', `/templates/${encodeURIComponent(name)}`);
        if (stored.status === 200) draft = stored.body as typeof draft;
      } else {
        const builtIn = await import('@roombook/email');
        draft = { name: '', subject: builtIn.defaultSubjectTemplate, body: builtIn.defaultBodyTemplate };
      }
      const preview = await api('POST', '/templates/preview', { subject: draft.subject, body: draft.body });
      return page(request, reply, 'templates.liquid', { templates: await templatesList(), draft, preview: preview.body, previewError: failed(preview), ...extra }, status);
    };
    app.get('/admin/templates', (request, reply) => templatesPage(request, reply));
    app.post('/admin/templates/preview', csrf, async (request, reply) => {
      const form = request.body as Form;
      const answer = await api('POST', '/templates/preview', { subject: str(form, 'subject'), body: (form['body'] as string | undefined) ?? '' });
      return reply.header('Cache-Control', 'no-store').view('template-preview.liquid', { preview: answer.body, previewError: failed(answer), problem: answer.body });
    });
    app.post('/admin/templates', csrf, async (request, reply) => {
      const form = request.body as Form;
      const draft = { name: str(form, 'name'), subject: str(form, 'subject'), body: (form['body'] as string | undefined) ?? '' };
      const answer = await api('PUT', `/templates/${encodeURIComponent(draft.name)}`, { subject: draft.subject, body: draft.body });
      const preview = await api('POST', '/templates/preview', { subject: draft.subject, body: draft.body });
      return page(request, reply, 'templates.liquid', {
        templates: await templatesList(), draft, preview: preview.body, previewError: failed(preview),
        error: failed(answer), message: answer.status === 200 ? `Saved template ${draft.name}.` : undefined,
      }, answer.status === 200 ? 200 : 422);
    });

    // Webhooks (issue 12), in a module of their own
    consoleWebhookRoutes(app, { api, page, failed, fieldErrors, str, csrf });

    // Audit log
    const auditPage = async (request: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}, status = 200) => {
      const calendar = (request.query as { calendar?: string }).calendar ?? '';
      const entries = await api('GET', `/audit${calendar ? `?calendar=${encodeURIComponent(calendar)}` : ''}`);
      return page(request, reply, 'audit.liquid', { entries: entries.list, calendar, calendars: (await api('GET', '/calendars')).list, error: failed(entries), ...extra }, status);
    };
    app.get('/admin/audit', (request, reply) => auditPage(request, reply));
    app.post<{ Params: { id: string } }>('/admin/audit/:id/restore', csrf, async (request, reply) => {
      const answer = await api('POST', `/audit/${encodeURIComponent(request.params.id)}/restore`);
      const done = answer.body as { uid?: string; method?: string; auditId?: number };
      return auditPage(request, reply, answer.status === 200 ? { message: `Restored ${done.uid ?? ''} (${done.method ?? ''}); recorded as entry ${done.auditId ?? ''}.` } : { error: failed(answer) });
    });

    // Clear now
    app.get('/admin/clear', async (request, reply) => page(request, reply, 'clear.liquid', { calendars: (await api('GET', '/calendars')).list }));
    app.post('/admin/clear', csrf, async (request, reply) => {
      const form = request.body as Form;
      const answer = await api('POST', '/clear', { calendar: str(form, 'calendar'), test: str(form, 'test') === 'on' });
      if (answer.status !== 202) return page(request, reply, 'clear.liquid', { calendars: (await api('GET', '/calendars')).list, error: failed(answer) }, 422);
      return reply.redirect(`/admin/clear/jobs/${encodeURIComponent(String(answer.body['id']))}`, 303);
    });
    const jobData = async (id: string) => {
      const answer = await api('GET', `/jobs/${encodeURIComponent(id)}`);
      if (answer.status !== 200) return undefined;
      const job = answer.body as { id: string; state: string; result: ClearReport | ExpiredClearReport | null; error: { message: string } | null; progress: unknown };
      return { job, done: job.state === 'completed' || job.state === 'failed', rows: job.result && !isExpiredClearReport(job.result) ? reportRows(job.result) : [], report: job.result };
    };
    app.get<{ Params: { id: string } }>('/admin/clear/jobs/:id', async (request, reply) => {
      const data = await jobData(request.params.id);
      if (!data) return reply.callNotFound();
      return page(request, reply, 'clear-job.liquid', data);
    });
    app.get<{ Params: { id: string } }>('/admin/clear/jobs/:id/status', async (request, reply) => {
      const data = await jobData(request.params.id);
      if (!data) return reply.callNotFound();
      return reply.header('Cache-Control', 'no-store').view('clear-status.liquid', data);
    });
  };
}
