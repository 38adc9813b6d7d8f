import { webhookEventTypes } from '@roombook/queue';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';

type Form = Record<string, string | string[] | undefined>;

/** An admin API answer as the console reads it (console-routes.ts makes them). */
interface Answer {
  status: number;
  body: Record<string, unknown> & { detail?: string; errors?: { field: string; message: string }[] };
  list: Record<string, unknown>[];
}

/** What the console's routes share with this page (see console-routes.ts). */
export interface ConsoleKit {
  api: (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) => Promise<Answer>;
  page: (request: FastifyRequest, reply: FastifyReply, view: string, data: Record<string, unknown>, status?: number) => FastifyReply;
  failed: (answer: Answer) => string | undefined;
  fieldErrors: (answer: Answer) => Record<string, string>;
  str: (form: Form, name: string) => string;
  csrf: { preHandler: preHandlerHookHandler };
}

/** Ticked checkboxes of one name, as a list (a form sends one value as a string). */
const ticked = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * The Webhooks pages: list, create (the secret shown once), revoke, and each webhook's delivery
 * log. Every action is a call of the admin API's webhook routes, so the rules are the service's.
 */
export function consoleWebhookRoutes(app: FastifyInstance, kit: ConsoleKit) {
  const { api, page, failed, fieldErrors, str, csrf } = kit;
  const listPage = async (request: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}, status = 200) =>
    page(request, reply, 'webhooks.liquid', {
      webhooks: (await api('GET', '/webhooks')).list,
      users: (await api('GET', '/users')).list,
      eventTypes: webhookEventTypes,
      values: { user: '', url: '', events: [] },
      errors: {},
      ...extra,
    }, status);

  app.get('/admin/webhooks', (request, reply) => listPage(request, reply));
  app.post('/admin/webhooks', csrf, async (request, reply) => {
    const form = request.body as Form;
    const values = { user: str(form, 'user'), url: str(form, 'url'), events: ticked(form['events']) };
    const answer = await api('POST', '/webhooks', values);
    if (answer.status === 201) return listPage(request, reply, { created: answer.body });
    const errors = fieldErrors(answer);
    // A message shown beside its field is not repeated above the form.
    const shown = Object.values(errors);
    const detail = failed(answer);
    return listPage(request, reply, { values, errors, formError: detail !== undefined && shown.length === 0 ? detail : undefined }, 422);
  });
  app.post<{ Params: { id: string } }>('/admin/webhooks/:id/revoke', csrf, async (request, reply) => {
    const answer = await api('DELETE', `/webhooks/${encodeURIComponent(request.params.id)}`);
    return listPage(request, reply, answer.status === 200 ? { message: `Revoked webhook ${request.params.id} (${String(answer.body['url'])}).` } : { error: failed(answer) }, answer.status);
  });
  app.get<{ Params: { id: string } }>('/admin/webhooks/:id', async (request, reply) => {
    const answer = await api('GET', `/webhooks/${encodeURIComponent(request.params.id)}/deliveries`);
    if (answer.status !== 200) return reply.callNotFound();
    const webhook = (await api('GET', '/webhooks')).list.find((w) => String(w['id']) === request.params.id);
    return page(request, reply, 'webhook-deliveries.liquid', { webhook, deliveries: answer.list });
  });
}
