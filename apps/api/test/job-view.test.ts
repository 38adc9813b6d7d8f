import { randomBytes } from 'node:crypto';

import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';

import { toJobView } from '../src/lib/job-view.js';

describe('job view of a job that finished between reading it and reading its state', () => {
  const connection = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  const prefix = `${inject('runId')}-view-${randomBytes(3).toString('hex')}`;
  const queue = new Queue('view', { connection, prefix });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  });

  it('reads the job again, so "completed" comes with its result and attempt count', async () => {
    const added = await queue.add('work', { n: 1 });
    const stale = (await queue.getJob(added.id!))!; // read while still waiting
    const eventsConnection = connection.duplicate();
    const workerConnection = connection.duplicate();
    const events = new QueueEvents('view', { connection: eventsConnection, prefix });
    await events.waitUntilReady();
    const worker = new Worker('view', async () => ({ done: true }), { connection: workerConnection, prefix });
    try {
      await added.waitUntilFinished(events, 10_000);
    } finally {
      await worker.close();
      await events.close();
      eventsConnection.disconnect();
      workerConnection.disconnect();
    }
    const view = await toJobView(stale, connection, () => queue.getJob(added.id!));
    expect(view).toMatchObject({ state: 'completed', attempts: 1, result: { done: true } });
    expect(view.finished_at).not.toBeNull();
  });
});
