import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { WebhookEvent, type WebhookEventType, type WebhookEvent as WebhookEventBody } from '@roombook/queue';

/** The `webhooks` member of an OpenAPI 3.1 document, as @fastify/swagger types it. */
type WebhooksObject = NonNullable<Extract<NonNullable<FastifyDynamicSwaggerOptions['openapi']>, { webhooks?: unknown }>['webhooks']>;

/**
 * One example body per event type: shown in the OpenAPI document's `webhooks` section (and, in
 * words, in the README). A test checks each against the event schema, so they cannot drift.
 */
export const webhookExamples: Record<WebhookEventType, WebhookEventBody> = {
  'booking.created': {
    type: 'booking.created',
    timestamp: '2027-03-01T09:12:04.512Z',
    data: {
      job: { id: '812', name: 'create-event' },
      calendar: 'room-1',
      event: { id: '7Lq8mzYbW3kHn2xQpR5sTc', name: 'Standup', start: '2027-03-02T09:00:00+01:00', end: '2027-03-02T09:30:00+01:00', href: 'http://dav.example.org/rooms/room-1/7Lq8mzYbW3kHn2xQpR5sTc.ics' },
    },
  },
  'booking.failed': {
    type: 'booking.failed',
    timestamp: '2027-03-01T09:13:10.003Z',
    data: {
      job: { id: '813', name: 'create-event' },
      calendar: 'room-1',
      operation: 'create',
      event: { id: 'Vd2kQe9Rw1XyZp4sLm7nBc', name: 'Retro', start: '2027-03-02T09:15:00+01:00', end: '2027-03-02T10:00:00+01:00' },
      problem: { code: 'CONFLICT', type: '/problems/job-conflict', detail: 'the room is taken: "Standup" 2027-03-02T09:00:00+01:00 to 2027-03-02T09:30:00+01:00; nothing was written' },
    },
  },
  'booking.deleted': {
    type: 'booking.deleted',
    timestamp: '2027-03-01T10:00:00.120Z',
    data: { job: { id: '814', name: 'delete-event' }, calendar: 'room-1', event: { id: '7Lq8mzYbW3kHn2xQpR5sTc' } },
  },
  'booking.removed': {
    type: 'booking.removed',
    timestamp: '2027-03-01T11:00:02.871Z',
    data: {
      job: { id: '815', name: 'clear-calendar' },
      calendar: 'room-1',
      event: { id: 'Hs3nWq8Lp2ZtRx6cVb9mKd', name: 'Fundraising', start: '2027-03-04T11:00:00+01:00', end: '2027-03-04T13:00:00+01:00', recurrence_id: null },
      action: 'deleted',
      reason: 'overlaps Finance Monthly, booked earlier',
      overlaps_with: { name: 'Finance Monthly', start: '2027-03-04T10:00:00+01:00', end: '2027-03-04T12:00:00+01:00' },
    },
  },
  'clear.completed': {
    type: 'clear.completed',
    timestamp: '2027-03-01T11:00:02.870Z',
    data: {
      job: { id: '815', name: 'clear-calendar' },
      calendar: 'room-1',
      test_mode: false,
      trigger: 'api',
      counts: { deleted_cancelled_events: 0, deleted_overlapping_events: 1, cancelled_overlapping_recurring_events: 0, ignored_overlapping_events: 0, unreadable_objects: 0, truncated_series: 0, mails_queued: 1 },
    },
  },
};

const summaries: Record<WebhookEventType, string> = {
  'booking.created': 'A create job wrote the booking (sent to the user who booked)',
  'booking.failed': 'A create or delete job failed for good; `problem.code` is its error code (sent to the user who asked)',
  'booking.deleted': 'A delete job removed the booking or one occurrence (sent to the user who cancelled)',
  'booking.removed': 'A clear deleted, declined or cancelled a booking made through the API (sent to the user who made it)',
  'clear.completed': 'A clear finished, with the counts of its report (sent to the user who asked; scheduled clears: every user granted the calendar)',
};

const signatureHeaders = [
  { name: 'webhook-id', in: 'header', required: true, description: 'message id; the same on every retry (drop duplicates by it)', schema: { type: 'string' } },
  { name: 'webhook-timestamp', in: 'header', required: true, description: 'Unix seconds of this attempt', schema: { type: 'string' } },
  {
    name: 'webhook-signature',
    in: 'header',
    required: true,
    description: '`v1,` + base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` keyed with the base64-decoded part of the `whsec_` secret (Standard Webhooks)',
    schema: { type: 'string' },
  },
];

/**
 * The OpenAPI 3.1 `webhooks` object: what roombook POSTs to a registered webhook URL. Body
 * schemas are the queue package's event schemas, the same ones the worker's events are built to.
 */
export function webhookDocs(): WebhooksObject {
  const variants = WebhookEvent.anyOf as unknown as { properties: { type: { const: WebhookEventType } } }[];
  return Object.fromEntries(
    variants.map((schema) => {
      const type = schema.properties.type.const;
      return [
        type,
        {
          post: {
            summary: summaries[type],
            tags: ['webhooks'],
            parameters: signatureHeaders,
            requestBody: { required: true, content: { 'application/json': { schema, example: webhookExamples[type] } } },
            responses: { '2XX': { description: 'delivered; anything else (or no answer within WEBHOOK_TIMEOUT_MS) is retried with exponential backoff for about a day' } },
          },
        },
      ];
    }),
  ) as WebhooksObject;
}
