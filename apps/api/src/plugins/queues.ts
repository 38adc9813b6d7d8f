import {
  QueueName,
  createProducerConnection,
  createWorkerConnection,
  defaultJobOptions,
} from '@roombook/queue';
import { Queue, QueueEvents } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';

declare module 'fastify' {
  interface FastifyInstance {
    queues: {
      calendar: Queue;
      mail: Queue;
      /** Calendar store refreshes (issue 12): `fresh=true` asks for one and waits for it. */
      mirror: Queue;
      /**
       * Webhook deliveries (issue 12): the worker adds them (with its own retry options); the API
       * only shows them (Bull Board, dashboard counts).
       */
      webhook: Queue;
      /** Completion events for `Prefer: wait`, created on first use (it holds a blocking connection). */
      calendarEvents: () => QueueEvents;
      /** Completion events of the mirror queue, for `fresh=true`; created on first use like calendarEvents. */
      mirrorEvents: () => QueueEvents;
      /** The fail-fast producer connection (also used for idempotency records). */
      redis: Redis;
      prefix: string;
      /** Throws at once when the producer connection is not ready, so requests never wait on Redis. */
      assertAvailable: () => void;
    };
  }
}

/** Redis is not connected; the error handler answers 503. */
export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

/**
 * Producers only: the API enqueues and reads job state, it never constructs a Worker. The
 * producer connection fails fast (-> 503); QueueEvents needs a blocking connection of its own.
 */
export const queuesPlugin = fp(
  async function queues(app: FastifyInstance, options: { url: string; prefix: string }) {
    // Auto-pipelining: the commands that concurrent requests issue in one event-loop turn (rate
    // limits, job adds, idempotency records) leave in one write and come back in one read (issue 9).
    // Only this producer connection: blocking and worker connections must not pipeline.
    const redis = createProducerConnection(options.url, { enableAutoPipelining: true });
    redis.on('error', (error) => app.log.warn({ err: error }, 'redis connection error'));
    const common = { connection: redis, prefix: options.prefix, defaultJobOptions };
    const calendar = new Queue(QueueName.calendar, common);
    const mail = new Queue(QueueName.mail, common);
    const mirror = new Queue(QueueName.mirror, common);
    const webhook = new Queue(QueueName.webhook, common);
    const opened: { queueEvents: QueueEvents; connection: Redis }[] = [];
    const lazyEvents = (name: QueueName) => {
      let events: QueueEvents | undefined;
      return () => {
        if (!events) {
          const connection = createWorkerConnection(options.url);
          connection.on('error', (error) => app.log.warn({ err: error }, `redis (${name} events) connection error`));
          events = new QueueEvents(name, { connection, prefix: options.prefix });
          events.on('error', (error: Error) => app.log.warn({ err: error }, 'queue events error'));
          opened.push({ queueEvents: events, connection });
        }
        return events;
      };
    };
    const calendarEvents = lazyEvents(QueueName.calendar);
    const mirrorEvents = lazyEvents(QueueName.mirror);
    const logQueueError = (error: Error) => app.log.warn({ err: error }, 'queue error');
    calendar.on('error', logQueueError);
    mail.on('error', logQueueError);
    mirror.on('error', logQueueError);
    webhook.on('error', logQueueError);
    const assertAvailable = () => {
      if (redis.status !== 'ready') throw new RedisUnavailableError(`redis is ${redis.status}`);
    };
    app.decorate('queues', { calendar, mail, mirror, webhook, calendarEvents, mirrorEvents, redis, prefix: options.prefix, assertAvailable });
    app.addHook('onClose', async () => {
      // close() waits for a connection that may never come while Redis is down: bound it.
      const closed = Promise.allSettled([...opened.map((e) => e.queueEvents.close()), calendar.close(), mail.close(), mirror.close(), webhook.close()]);
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
      // BullMQ does not close connections it was handed.
      redis.disconnect();
      for (const e of opened) e.connection.disconnect();
    });
  },
  { name: 'queues' },
);
