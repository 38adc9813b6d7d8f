import { SecretUnreadableError, type WebhookTarget, type WebhooksRepository } from '@roombook/db';
import { DeliverWebhookPayload, JobErrorCode, parsePayload, type DeliverWebhookResult } from '@roombook/queue';
import { refusedWebhookTarget } from '@roombook/service';
import type { Job } from 'bullmq';

import { JobFailure } from '../job-failure.js';
import type { InFlightLimit } from './in-flight.js';
import { signDelivery } from './signature.js';

export interface DeliverDeps {
  webhooks: WebhooksRepository;
  /** WEBHOOK_TIMEOUT_MS: the whole attempt, connection to status line. */
  timeoutMs: number;
  /** WEBHOOK_ALLOW_PRIVATE_ADDRESSES */
  allowPrivateAddresses: boolean;
  /** Keeps one slow receiver from taking every delivery slot. */
  perWebhook?: InFlightLimit | undefined;
}

/**
 * One delivery attempt of one message (job `deliver` of queue `webhook`): POST the event, signed,
 * and log the attempt in webhook_deliveries whatever happens. A 2xx delivers it; anything else
 * (another status, a redirect — not followed, since the signature binds no URL and a redirect
 * could lead inside our network —, a timeout, a refused connection) fails the attempt and BullMQ
 * retries with exponential backoff. A revoked webhook gets nothing, even from queued retries.
 */
export async function deliverWebhook(job: Job, deps: DeliverDeps): Promise<DeliverWebhookResult> {
  const payload = parsePayload(DeliverWebhookPayload, job.data);
  const attempt = job.attemptsMade + 1;
  const target = await deps.webhooks.target(payload.webhookId).catch((error: unknown) => {
    if (error instanceof SecretUnreadableError) {
      throw new JobFailure(JobErrorCode.credentialsUnreadable, `cannot read webhook ${payload.webhookId}'s secret: SECRET_KEY is not the key it was stored with`, true);
    }
    throw error;
  });
  if (!target || target.revokedAt !== null) return { outcome: 'skipped', status: null, attempt };

  if (deps.perWebhook) return deps.perWebhook.run(target.id, () => attemptDelivery(payload, target, attempt, deps));
  return attemptDelivery(payload, target, attempt, deps);
}

async function attemptDelivery(payload: DeliverWebhookPayload, target: WebhookTarget, attempt: number, deps: DeliverDeps): Promise<DeliverWebhookResult> {
  const body = JSON.stringify({ type: payload.type, timestamp: payload.timestamp, data: payload.data });
  const log = (statusCode: number | null, error: string | null, durationMs: number) =>
    deps.webhooks.recordDelivery({
      webhookId: target.id,
      messageId: payload.messageId,
      eventType: payload.type,
      attempt,
      statusCode,
      error,
      durationMs: Math.round(durationMs),
    });

  const refused = await refusedWebhookTarget(new URL(target.url), deps.allowPrivateAddresses);
  if (refused) {
    await log(null, `refused: ${refused}`, 0);
    throw new JobFailure(JobErrorCode.webhookUndelivered, `not sent: ${refused}`, true);
  }

  const started = performance.now();
  let status: number;
  try {
    const response = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'roombook-webhooks/1',
        ...signDelivery(target.secret, payload.messageId, new Date(), body),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
    status = response.status;
    // The answer's body means nothing to us; dropping it frees the connection.
    await response.body?.cancel().catch(() => undefined);
  } catch (error) {
    const reason = describeFetchError(error, deps.timeoutMs);
    await log(null, reason, performance.now() - started);
    throw new JobFailure(JobErrorCode.webhookUndelivered, `attempt ${attempt}: ${reason}`, false);
  }
  const ok = status >= 200 && status < 300;
  await log(status, ok ? null : `receiver answered ${status}`, performance.now() - started);
  if (!ok) throw new JobFailure(JobErrorCode.webhookUndelivered, `attempt ${attempt}: receiver answered ${status}`, false);
  return { outcome: 'delivered', status, attempt };
}

/** One line for the delivery log: a timeout, or the network error's code (never a stack). */
function describeFetchError(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `request failed: ${cause}` : `request failed: ${e.message ?? String(error)}`;
}
