import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';

import { createCalendarsRepository, createDatabase, createSecretBox, createUsersRepository, type BookingPolicy } from '@roombook/db';
import { QueueName } from '@roombook/queue';
import { uniqueName } from '@roombook/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, inject } from 'vitest';

import { loadWorkerConfig, type WorkerConfig } from '../../src/config.js';

export const SECRET = 'test-secret-key-0123456789';

/** Worker settings for this run: the per-run database, the shared Redis under a prefix of its own. */
export function workerConfig(prefix: string, overrides: Record<string, string> = {}): WorkerConfig {
  return loadWorkerConfig({
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    QUEUE_PREFIX: prefix,
    SECRET_KEY: SECRET,
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}

/** A user and a calendar row pointing at `url`, with the Radicale user's credentials (and a policy other than the default's). */
export async function seedCalendar(databaseUrl: string, url: string, credentials: { username: string; password: string }, policy?: Partial<BookingPolicy>) {
  const database = createDatabase(databaseUrl, { max: 1 });
  try {
    const user = await createUsersRepository(database.db).create({ name: uniqueName('user') });
    const calendar = await createCalendarsRepository(database.db, createSecretBox(SECRET)).create({
      slug: uniqueName('room'), url, username: credentials.username, password: credentials.password, policy,
    });
    return { user, calendar };
  } finally {
    await database.close();
  }
}

export interface PausingProxy {
  /** The collection URL through the proxy. */
  url: string;
  /** Method and path of each request, in the order the upstream answered them. */
  seen: string[];
  close: () => Promise<void>;
}

/**
 * Forwards requests to a real CalDAV server; after the server has answered a request, and before
 * the answer goes back, awaits `afterUpstream`. Lets a test act at an exact point between two
 * requests of a job (the write is done on the server, the worker does not know yet).
 */
export async function startPausingProxy(
  collectionUrl: string,
  afterUpstream: (method: string, path: string) => Promise<void> | void,
): Promise<PausingProxy> {
  const target = new URL(collectionUrl);
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          seen.push(`${req.method} ${req.url}`);
          void Promise.resolve(afterUpstream(req.method ?? 'GET', req.url ?? '/')).then(() => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(chunks));
          });
        });
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * The per-suite ground most worker suites stand on: the run's database, the shared Redis, and the
 * `calendar` queue under a prefix of the suite's own, all closed (and the queue emptied) after it.
 */
export function useCalendarQueue(label: string) {
  const database = createDatabase(inject('databaseUrl'), { max: 2 });
  const connection = new Redis(inject('redisUrl'));
  const prefix = `${inject('runId')}-${label}-${randomBytes(3).toString('hex')}`;
  const queue = new Queue(QueueName.calendar, { connection, prefix });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
    await database.close();
  });
  return { database, connection, prefix, queue };
}
