import { Webhook } from 'standardwebhooks';

/** The Standard Webhooks headers of one delivery attempt. */
export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Signs a body per the Standard Webhooks specification: `v1,` + base64 HMAC-SHA256 of
 * `${id}.${timestamp}.${body}` keyed with the base64-decoded part of the `whsec_` secret. The
 * spec's own maintained library does it (MIT, no native code, no engines limit), so receivers
 * using any Standard Webhooks library verify exactly what we sign. The timestamp is the attempt's
 * (Unix seconds): receivers reject stale ones, so a retry a day later is signed anew.
 */
export function signDelivery(secret: string, messageId: string, at: Date, body: string): SignedHeaders {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(messageId, at, body),
  };
}
