import { Writable } from 'node:stream';

import { startPrivateRedis, type PrivateRedis } from '@roombook/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { startWorkers } from '../src/worker.js';
import { workerConfig } from './support/worker-fixture.js';
import { freePort } from '@roombook/testing';

/** pino writing JSON lines into an array, so a test reads exactly what an operator would see. */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

describe('worker start-up checks', () => {
  let redis: PrivateRedis;
  beforeAll(async () => {
    // BullMQ's production advice is noeviction; this Redis evicts instead.
    redis = await startPrivateRedis({ args: ['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru'] });
  });
  afterAll(() => redis.stop());

  it('warns when Redis may evict keys, and says in one line when the SMTP server cannot be reached', async () => {
    const { lines, logger } = capturingLogger();
    const smtpPort = await freePort(); // nothing listens there
    const workers = await startWorkers(
      workerConfig(`${inject('runId')}-startup`, {
        REDIS_URL: redis.url,
        SMTP_SERVER: '127.0.0.1',
        SMTP_PORT: String(smtpPort),
        SMTP_EMAIL: 'rooms@example.org',
        SMTP_PASSWORD: 'not-logged-anywhere',
      }),
      { logger },
    );
    try {
      for (let i = 0; i < 200 && !lines.some((l) => String(l['msg']).startsWith('SMTP check failed')); i++) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await workers.close();
    }
    const eviction = lines.find((l) => String(l['msg']).includes('maxmemory-policy'));
    expect(eviction).toMatchObject({ level: 40, maxmemoryPolicy: 'allkeys-lru' });
    const smtp = lines.filter((l) => String(l['msg']).startsWith('SMTP check failed'));
    expect(smtp).toHaveLength(1);
    expect(smtp[0]).toMatchObject({ level: 40 });
    expect(smtp[0]!['msg']).toMatch(new RegExp(`^SMTP check failed for smtps://rooms@example.org@127.0.0.1:${smtpPort}: .*ECONNREFUSED.*; mails will be retried$`));
    expect(Object.keys(smtp[0]!)).not.toContain('err'); // no stack trace
    expect(JSON.stringify(lines)).not.toContain('not-logged-anywhere');
  });
});
