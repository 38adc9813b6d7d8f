import { Type, type Static } from 'typebox';

import { WebhookEvent } from '../webhook-events.js';

/**
 * One message to one webhook. The secret is not here (job data is shared state in Redis): the
 * worker reads it from PostgreSQL, sealed, for each attempt. `messageId` is the Standard Webhooks
 * `webhook-id`, the same on every attempt so receivers can drop duplicates.
 */
export const DeliverWebhookPayload = Type.Intersect([
  Type.Object({
    webhookId: Type.Integer(),
    messageId: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }),
  }),
  WebhookEvent,
]);
export type DeliverWebhookPayload = Static<typeof DeliverWebhookPayload>;

export const DeliverWebhookResult = Type.Object({
  /** delivered: a 2xx came back; skipped: the webhook was revoked or deleted before this attempt */
  outcome: Type.Union([Type.Literal('delivered'), Type.Literal('skipped')]),
  status: Type.Union([Type.Integer(), Type.Null()]),
  attempt: Type.Integer(),
});
export type DeliverWebhookResult = Static<typeof DeliverWebhookResult>;
