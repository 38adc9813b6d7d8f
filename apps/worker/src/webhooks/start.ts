import { createSecretBox, createWebhooksRepository, type CalendarsRepository, type Database } from '@roombook/db';
import { QueueName, WebhookJob, JobErrorCode, defaultJobOptions } from '@roombook/queue';
import { Queue, Worker, type Job, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

import type { WorkerConfig } from '../config.js';
import { JobFailure } from '../job-failure.js';
import type { WorkerMetrics } from '../metrics.js';
import { instrumentedProcessor } from '../processor.js';
import { deliverWebhook } from './deliver.js';
import { createWebhookEmitter, type WebhookEmitter } from './events.js';
import { createInFlightLimit } from './in-flight.js';

/** Deliveries wait on receivers (up to WEBHOOK_TIMEOUT_MS each), not on this machine: many at once. */
const DELIVERY_CONCURRENCY = 16;
/** Attempts to one webhook at once (per worker process): a receiver that is down holds at most this many slots. */
const PER_WEBHOOK_IN_FLIGHT = 2;

/**
 * Retries double from WEBHOOK_RETRY_DELAY_MS over WEBHOOK_ATTEMPTS tries: the last retry starts
 * delay × (2^(attempts−1) − 1) after the first try (defaults: 5 s × 16383 ≈ 22.8 h). Jitter
 * spreads the retries of many messages to a receiver that comes back. Finished deliveries are
 * kept a day, so a re-emitted event (same job id) within that day is not sent twice.
 */
export function webhookJobOptions(config: Pick<WorkerConfig, 'WEBHOOK_ATTEMPTS' | 'WEBHOOK_RETRY_DELAY_MS'>): JobsOptions {
  return {
    ...defaultJobOptions,
    attempts: config.WEBHOOK_ATTEMPTS,
    backoff: { type: 'exponential', delay: config.WEBHOOK_RETRY_DELAY_MS, jitter: 0.2 },
  };
}

export interface WebhookDelivery {
  emitter: WebhookEmitter;
  /** Closes the deliver worker (finishing active attempts), then the queue. */
  close: () => Promise<void>;
}

/** The `webhook` queue: the emitter that fills it and the worker that delivers from it. */
export async function startWebhookDelivery(deps: {
  config: WorkerConfig;
  redis: Redis;
  db: Database;
  calendars: CalendarsRepository;
  metrics: WorkerMetrics;
  log: Logger;
}): Promise<WebhookDelivery> {
  const { config, redis, log } = deps;
  const webhooks = createWebhooksRepository(deps.db, createSecretBox(config.SECRET_KEY));
  const perWebhook = createInFlightLimit(PER_WEBHOOK_IN_FLIGHT);
  const queue = new Queue(QueueName.webhook, { connection: redis, prefix: config.QUEUE_PREFIX, defaultJobOptions: webhookJobOptions(config) });
  queue.on('error', (error) => log.warn({ err: error }, 'queue error'));
  const worker = new Worker(
    QueueName.webhook,
    instrumentedProcessor(
      QueueName.webhook,
      deps.metrics,
      async (job: Job) => {
        if (job.name !== WebhookJob.deliver) throw new JobFailure(JobErrorCode.invalidPayload, `unknown job "${job.name}"`, true);
        return deliverWebhook(job, {
          webhooks,
          timeoutMs: config.WEBHOOK_TIMEOUT_MS,
          allowPrivateAddresses: config.WEBHOOK_ALLOW_PRIVATE_ADDRESSES,
          perWebhook,
        });
      },
      // A receiver that is down is not our fault and is in webhook_deliveries already: one info line, no stack.
      (job, error) => log.info({ jobId: job.id, attempt: job.attemptsMade + 1, error: (error as Error).message }, 'webhook delivery attempt failed'),
    ),
    { connection: redis, prefix: config.QUEUE_PREFIX, concurrency: DELIVERY_CONCURRENCY },
  );
  worker.on('error', (error) => log.error({ err: error }, 'worker error'));
  await worker.waitUntilReady();
  log.info({ queue: QueueName.webhook, concurrency: DELIVERY_CONCURRENCY }, 'worker started');
  return {
    emitter: createWebhookEmitter({ webhooks, calendars: deps.calendars, queue }),
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
