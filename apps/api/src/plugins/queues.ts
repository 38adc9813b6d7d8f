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
      /** Completion events for `Prefer: wait`, created on first use (it holds a blocking connection). */
      calendarEvents: () => QueueEvents;
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
    let events: { queueEvents: QueueEvents; connection: Redis } | undefined;
    const calendarEvents = () => {
      if (!events) {
        const connection = createWorkerConnection(options.url);
        connection.on('error', (error) => app.log.warn({ err: error }, 'redis (events) connection error'));
        const queueEvents = new QueueEvents(QueueName.calendar, { connection, prefix: options.prefix });
        queueEvents.on('error', (error: Error) => app.log.warn({ err: error }, 'queue events error'));
        events = { queueEvents, connection };
      }
      return events.queueEvents;
    };
    const logQueueError = (error: Error) => app.log.warn({ err: error }, 'queue error');
    calendar.on('error', logQueueError);
    mail.on('error', logQueueError);
    const assertAvailable = () => {
      if (redis.status !== 'ready') throw new RedisUnavailableError(`redis is ${redis.status}`);
    };
    app.decorate('queues', { calendar, mail, calendarEvents, redis, prefix: options.prefix, assertAvailable });
    app.addHook('onClose', async () => {
      // close() waits for a connection that may never come while Redis is down: bound it.
      const closed = Promise.allSettled([events?.queueEvents.close(), calendar.close(), mail.close()]);
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
      // BullMQ does not close connections it was handed.
      redis.disconnect();
      events?.connection.disconnect();
    });
  },
  { name: 'queues' },
);
