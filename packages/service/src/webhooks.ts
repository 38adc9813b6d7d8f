import {
  createUsersRepository,
  createWebhooksRepository,
  type Database,
  type SecretBox,
  type WebhookDelivery,
  type WebhookInfo,
} from '@roombook/db';
import { webhookEventTypes } from '@roombook/queue';

import { WebhookTargetRefusedError } from './errors.js';
import { InvalidInputError } from './rules.js';
import { refusedWebhookTarget } from './webhook-address.js';

/** Receivers see the URL in their logs and we store it in clear: long enough for any real endpoint. */
const MAX_URL_LENGTH = 2000;

/**
 * A webhook URL: http(s) only, no credentials (the URL is stored and listed in clear; receivers
 * authenticate us by the signature instead), no fragment. The address rules are checked
 * separately (refusedWebhookTarget), since they need DNS and the operator's setting.
 */
export function checkWebhookUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidInputError('Not a URL; expected e.g. https://hooks.example.org/roombook');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidInputError('Only http:// and https:// webhook URLs are supported.');
  if (url.username || url.password) throw new InvalidInputError('A webhook URL must not contain credentials; receivers check the signature instead.');
  if (url.hash) throw new InvalidInputError('A webhook URL must not contain a #fragment.');
  if (url.toString().length > MAX_URL_LENGTH) throw new InvalidInputError(`A webhook URL is at most ${MAX_URL_LENGTH} characters.`);
  return url.toString();
}

/** `booking.created,clear.completed` -> the distinct known types; an empty list means every type. */
export function checkWebhookEvents(value: string | readonly string[]): string[] {
  const items = (typeof value === 'string' ? value.split(',') : [...value]).map((s) => s.trim());
  if (typeof value === 'string' && value.trim() === '') return [];
  const unknown = items.filter((t) => !(webhookEventTypes as readonly string[]).includes(t));
  if (unknown.length > 0) {
    throw new InvalidInputError(`Unknown event type ${unknown.map((t) => `"${t}"`).join(', ')}; known: ${webhookEventTypes.join(', ')}.`);
  }
  return [...new Set(items)];
}

export interface WebhookServiceDeps {
  db: Database;
  /** Asked for only by create, which seals the new secret. */
  secrets: () => SecretBox;
  /** WEBHOOK_ALLOW_PRIVATE_ADDRESSES */
  allowPrivateAddresses: boolean;
}

/** Webhooks, shared by the CLI and the admin API: the URL rules and the once-only secret live here. */
export function webhookService(deps: WebhookServiceDeps) {
  const repository = (withSecrets: boolean) => createWebhooksRepository(deps.db, withSecrets ? deps.secrets() : undefined);
  return {
    /**
     * A webhook for the named user. The result carries the `whsec_…` signing secret: it is shown
     * once, and afterwards only the worker reads it (sealed under SECRET_KEY) to sign.
     */
    async create(input: { user: string; url: string; events?: readonly string[] | undefined }): Promise<WebhookInfo & { secret: string }> {
      const url = checkWebhookUrl(input.url);
      const events = checkWebhookEvents(input.events ?? []);
      const webhooks = repository(true);
      const user = await createUsersRepository(deps.db).requireUser(input.user);
      const refused = await refusedWebhookTarget(new URL(url), deps.allowPrivateAddresses);
      if (refused) throw new WebhookTargetRefusedError(`webhook not saved: ${refused}`);
      return webhooks.create({ userId: user.id, url, events });
    },

    /** Every webhook, or one user's; never a secret. */
    async list(filter: { user?: string | undefined } = {}): Promise<WebhookInfo[]> {
      const userId = filter.user === undefined ? undefined : (await createUsersRepository(deps.db).requireUser(filter.user)).id;
      return repository(false).list(userId === undefined ? {} : { userId });
    },

    /** Stops deliveries at once, queued retries included. */
    revoke(id: number): Promise<WebhookInfo> {
      return repository(false).revoke(id);
    },

    /** The webhook's delivery attempts, newest first. */
    async deliveries(id: number, options: { limit?: number } = {}): Promise<{ webhook: WebhookInfo; deliveries: WebhookDelivery[] }> {
      const webhooks = repository(false);
      const webhook = await webhooks.require(id);
      return { webhook, deliveries: await webhooks.deliveries(id, options) };
    },
  };
}

export type WebhookService = ReturnType<typeof webhookService>;
