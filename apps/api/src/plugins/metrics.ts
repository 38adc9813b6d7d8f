import { workerMetricsKeys } from '@roombook/queue';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { AggregatorRegistry, Gauge, Registry, type MetricObjectWithValues, type MetricValue } from 'prom-client';

import { requireAdmin } from './admin-auth.js';

/** BullMQ job states shown as queue depth. */
const STATES = ['waiting', 'prioritized', 'delayed', 'active', 'waiting-children', 'failed', 'completed'] as const;

type Snapshot = MetricObjectWithValues<MetricValue<string>>[];

/**
 * `GET /metrics` in Prometheus text format, behind the admin Basic auth (like Bull Board).
 * Job, CalDAV, clear, mail and lock metrics come from the worker processes: each leaves a
 * snapshot in Redis (apps/worker/src/metrics-publisher.ts), and this sums the live ones with
 * prom-client's AggregatorRegistry, the same summing it does for Node cluster workers. Queue
 * depth is read from BullMQ at scrape time.
 */
export async function metricsPlugin(app: FastifyInstance, options: { adminToken: string }) {
  requireAdmin(app, options.adminToken);
  const own = new Registry();
  const queues: Array<[string, Queue]> = [
    ['calendar', app.queues.calendar],
    ['mail', app.queues.mail],
    ['mirror', app.queues.mirror],
    ['webhook', app.queues.webhook],
  ];
  new Gauge({
    name: 'roombook_queue_jobs',
    help: 'Jobs in each queue by BullMQ state',
    labelNames: ['queue', 'state'] as const,
    registers: [own],
    async collect() {
      this.reset();
      for (const [name, queue] of queues) {
        const counts = await queue.getJobCounts(...STATES);
        for (const state of STATES) this.set({ queue: name, state }, counts[state] ?? 0);
      }
    },
  });
  const reporting = new Gauge({
    name: 'roombook_metrics_workers',
    help: 'Worker processes whose metrics are included here (each reports every WORKER_METRICS_INTERVAL_MS)',
    registers: [own],
  });
  const keys = workerMetricsKeys(app.queues.prefix);

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    app.queues.assertAvailable();
    const redis = app.queues.redis;
    const instances = await redis.zrange(keys.index, '0', '-1');
    const raw = instances.length > 0 ? await redis.mget(instances.map((i) => keys.snapshot(i))) : [];
    // A missing snapshot is a worker that stopped reporting: its key expired.
    const snapshots = raw.filter((s): s is string => s !== null).map((s) => JSON.parse(s) as Snapshot);
    reporting.set(snapshots.length);
    const workers = AggregatorRegistry.aggregate(snapshots);
    const text = (await own.metrics()) + (await workers.metrics());
    return reply.type(own.contentType).send(text);
  });
}
