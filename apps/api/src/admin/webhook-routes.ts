import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createSecretBox, type SecretBox } from '@roombook/db';
import { webhookEventTypes } from '@roombook/queue';
import { InvalidInputError, WebhookTargetRefusedError, webhookService } from '@roombook/service';
import { Type } from 'typebox';

import { HttpProblem, problem } from '../problems.js';
import { serviceProblem } from './errors.js';
import { AdminProblemSchema, IdParams } from './schemas.js';

const tags = ['admin'];
const security = [{ adminToken: [] }];
const problems = { 400: AdminProblemSchema, 401: AdminProblemSchema, 404: AdminProblemSchema, 409: AdminProblemSchema, 422: AdminProblemSchema, 503: AdminProblemSchema };
const DateTime = Type.Unsafe<Date>({ type: 'string', format: 'date-time' });
const EventType = Type.Union(webhookEventTypes.map((t) => Type.Literal(t)));

const WebhookSchema = Type.Object(
  {
    id: Type.Integer(),
    user: Type.String(),
    url: Type.String(),
    events: Type.Array(Type.String(), { description: 'event types delivered; empty = every type' }),
    createdAt: DateTime,
    revokedAt: Type.Union([DateTime, Type.Null()]),
  },
  { examples: [{ id: 3, user: 'kiosk', url: 'https://kiosk.example.org/roombook', events: ['booking.created', 'booking.removed'], createdAt: '2027-03-01T09:00:00.000Z', revokedAt: null }] },
);
const WebhookCreatedSchema = Type.Object(
  { ...WebhookSchema.properties, secret: Type.String({ description: 'the whsec_… signing secret; shown only in this answer (stored encrypted)' }) },
  { examples: [{ id: 3, user: 'kiosk', url: 'https://kiosk.example.org/roombook', events: [], createdAt: '2027-03-01T09:00:00.000Z', revokedAt: null, secret: 'whsec_Zq0bS1y7tq2cXo7m0k9Jc3mW8qvR2lG8yF6cQ8a4Yv0=' }] },
);
const WebhookCreateSchema = Type.Object(
  {
    user: Type.String({ minLength: 1, maxLength: 100 }),
    url: Type.String({ minLength: 1, maxLength: 2000, description: 'http(s); no credentials; private and link-local addresses refused (WEBHOOK_ALLOW_PRIVATE_ADDRESSES)' }),
    events: Type.Optional(Type.Array(EventType, { maxItems: webhookEventTypes.length, description: 'default: every type' })),
  },
  { additionalProperties: false, examples: [{ user: 'kiosk', url: 'https://kiosk.example.org/roombook', events: ['booking.created', 'booking.removed'] }] },
);
const DeliverySchema = Type.Object(
  {
    id: Type.Integer(),
    webhookId: Type.Integer(),
    messageId: Type.String({ description: 'the webhook-id header: the same on every attempt of a message' }),
    eventType: Type.String(),
    attempt: Type.Integer({ description: '1 for the first try' }),
    statusCode: Type.Union([Type.Integer(), Type.Null()], { description: "the receiver's status; null when none came" }),
    error: Type.Union([Type.String(), Type.Null()], { description: 'why the attempt did not deliver; null on a 2xx' }),
    durationMs: Type.Integer(),
    at: DateTime,
  },
  { examples: [{ id: 91, webhookId: 3, messageId: 'msg_Xb0yE8m3QkS1r9TnL2cVw7AhZpD', eventType: 'booking.created', attempt: 2, statusCode: 204, error: null, durationMs: 38, at: '2027-03-01T09:12:09.104Z' }] },
);
const ListQuery = Type.Object({ user: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) });
const LimitQuery = Type.Object({ limit: Type.Optional(Type.String({ pattern: '^(?:[1-9][0-9]{0,2}|1000)$', description: '1 to 1000 (default 100)' })) });
const MAX_ID = 2_147_483_647;

/**
 * Webhooks in the admin API (issue 12), over the service the CLI uses. Registered beside the
 * other admin routes, inside the admin plugin's authentication.
 */
export function adminWebhookRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    let box: SecretBox | undefined;
    const service = webhookService({
      db: app.db,
      secrets: () => {
        if (!app.config.SECRET_KEY) {
          throw new HttpProblem(503, '/problems/secret-key-missing', 'SECRET_KEY not set', "creating a webhook seals its signing secret and needs SECRET_KEY in the API's environment (the same key the worker uses)");
        }
        return (box ??= createSecretBox(app.config.SECRET_KEY));
      },
      allowPrivateAddresses: app.config.WEBHOOK_ALLOW_PRIVATE_ADDRESSES,
    });
    const call = async <T>(work: () => Promise<T>): Promise<T> => {
      try {
        return await work();
      } catch (error) {
        if (error instanceof WebhookTargetRefusedError) throw new HttpProblem(422, '/problems/webhook-target-refused', 'Webhook target refused', error.message);
        throw serviceProblem(error) ?? error;
      }
    };
    const id = (value: string) => {
      const n = Number(value);
      if (n > MAX_ID) throw problem.notFound(`unknown webhook ${value}`);
      return n;
    };
    const schema = <T extends object>(summary: string, rest: T) => ({ tags, security, summary, ...rest });

    app.get('/webhooks', { schema: schema('List webhooks (never their secrets)', { querystring: ListQuery, response: { 200: Type.Array(WebhookSchema), ...problems } }) }, (request) =>
      call(() => service.list({ user: request.query.user })),
    );
    app.post('/webhooks', { schema: schema("Create a webhook for a user's events; its signing secret is in this answer only", { body: WebhookCreateSchema, response: { 201: WebhookCreatedSchema, ...problems } }) }, async (request, reply) => {
      const created = await call(async () => {
        try {
          return await service.create(request.body);
        } catch (error) {
          // The schema has already checked the event names, so the service's input rules left are
          // the URL's: name the field, so a form can show the message beside it.
          const onUrl = (message: string) => [{ field: 'body.url', message }];
          if (error instanceof InvalidInputError) throw problem.validation(error.message, onUrl(error.message));
          if (error instanceof WebhookTargetRefusedError) throw new HttpProblem(422, '/problems/webhook-target-refused', 'Webhook target refused', error.message, { errors: onUrl(error.message) });
          throw error;
        }
      });
      return reply.code(201).send(created);
    });
    app.delete('/webhooks/:id', { schema: schema('Revoke a webhook: nothing more is sent to it, queued retries included', { params: IdParams, response: { 200: WebhookSchema, ...problems } }) }, (request) =>
      call(() => service.revoke(id(request.params.id))),
    );
    app.get('/webhooks/:id/deliveries', { schema: schema("A webhook's delivery attempts, newest first", { params: IdParams, querystring: LimitQuery, response: { 200: Type.Array(DeliverySchema), ...problems } }) }, async (request) => {
      const { deliveries } = await call(() => service.deliveries(id(request.params.id), { limit: request.query.limit === undefined ? 100 : Number(request.query.limit) }));
      return deliveries;
    });
  };
}
