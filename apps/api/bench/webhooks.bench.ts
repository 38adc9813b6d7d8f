/**
 * Webhooks and booking latency (issue 12): "a receiver that is down never slows a booking".
 * API and worker run as processes of their own against a private Radicale. Three users book in
 * turn (`POST /events`, `Prefer: wait=30`, one at a time, so all three see the same machine load):
 * - none: no webhook;
 * - fast: a webhook whose loopback receiver answers 204 at once (also: how long after the booking's
 *   answer the signed delivery arrives);
 * - down: a webhook whose receiver accepts the connection and never answers, so every attempt
 *   runs into WEBHOOK_TIMEOUT_MS (10 s) and the webhook queue backs up behind it.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { join } from 'node:path';

import { createCalendarsRepository, createDatabase, createSecretBox, createUsersRepository, createWebhooksRepository } from '@roombook/db';
import { createTestDatabase, makeCalendar, startRadicale } from '@roombook/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

import { benchDay } from './bench-fixture.js';
import { freePort, repoRoot, startNode, type Child } from './processes.js';

const SECRET = 'bench-secret-key-0123456789';
const ROUNDS = 40;
const WARMUP = 5;

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))]!;
const ms = (n: number) => `${n.toFixed(1)} ms`;

export async function run(): Promise<void> {
  const database = await createTestDatabase();
  const radicale = await startRadicale();
  const prefix = `bench-${randomBytes(3).toString('hex')}`;
  const db = createDatabase(database.url, { max: 2 });
  const children: Child[] = [];
  const held: ServerResponse[] = [];
  const arrivals = new Map<string, number>();
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      if (request.url === '/down') {
        held.push(response);
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { event: { id: string } } };
      arrivals.set(body.data.event.id, performance.now());
      response.writeHead(204).end();
    });
  });
  try {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
    const users = createUsersRepository(db.db);
    const calendars = createCalendarsRepository(db.db, createSecretBox(SECRET));
    const webhooks = createWebhooksRepository(db.db, createSecretBox(SECRET));
    const [rooms] = radicale.users;
    const setups = ['none', 'fast', 'down'] as const;
    const tokens: Record<string, string> = {};
    for (const setup of setups) {
      const user = await users.create({ name: `bench-${setup}` });
      tokens[setup] = (await users.createKey({ userName: user.name })).token;
      const url = await makeCalendar(radicale.url, rooms!, `hooks-${setup}`);
      await calendars.create({ slug: `hooks-${setup}`, url, username: rooms!.username, password: rooms!.password, timeZone: 'Europe/Berlin' });
      await calendars.grant(`hooks-${setup}`, user.name);
      if (setup !== 'none') await webhooks.create({ userId: user.id, url: `${receiverUrl}/${setup}`, events: [] });
    }

    const env = { DATABASE_URL: database.url, QUEUE_PREFIX: prefix, SECRET_KEY: SECRET, LOG_LEVEL: 'warn', ADMIN_TOKEN: '', WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true', WEBHOOK_TIMEOUT_MS: '10000' };
    const apiPort = await freePort();
    children.push(await startNode(join(repoRoot, 'apps/api/dist/server.js'), { ...env, HOST: '127.0.0.1', PORT: String(apiPort) }, { port: apiPort }));
    children.push(await startNode(join(repoRoot, 'apps/worker/dist/main.js'), env));

    const latency: Record<string, number[]> = { none: [], fast: [], down: [] };
    const answered = new Map<string, number>();
    for (let i = 0; i < ROUNDS + WARMUP; i++) {
      for (const setup of setups) {
        const day = benchDay(i % 28);
        const hour = String(8 + Math.floor(i / 28)).padStart(2, '0');
        const started = performance.now();
        const response = await fetch(`http://127.0.0.1:${apiPort}/api/hooks-${setup}/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tokens[setup]}`, 'content-type': 'application/json', prefer: 'wait=30' },
          body: JSON.stringify({ name: `Hook ${i}`, start: `${day}T${hour}:00`, end: `${day}T${hour}:30` }),
        });
        const { id } = (await response.json()) as { id: string };
        if (response.status !== 201) throw new Error(`booking answered ${response.status}`);
        const done = performance.now();
        if (i >= WARMUP) latency[setup]!.push(done - started);
        if (setup === 'fast') answered.set(id, done);
      }
    }
    // Give the last fast deliveries a moment to land.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const delivery = [...answered].filter(([id]) => arrivals.has(id)).map(([id, at]) => arrivals.get(id)! - at);
    const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
    const queue = new Queue('webhook', { connection: redis, prefix });
    const backlog = await queue.getJobCounts('waiting', 'active', 'delayed');
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    redis.disconnect();

    console.log(`booking end to end with webhooks, Prefer: wait=30, ${ROUNDS} rounds of 3 users in turn, API and worker in their own processes, Radicale:`);
    for (const setup of setups) {
      const label = { none: 'no webhook', fast: 'webhook, receiver answers 204', down: 'webhook, receiver never answers' }[setup];
      console.log(`  ${label.padEnd(34)} median ${ms(quantile(latency[setup]!, 0.5))}  p95 ${ms(quantile(latency[setup]!, 0.95))}`);
    }
    console.log(`  delivery after the booking's answer (fast receiver, ${delivery.length}/${answered.size} arrived): median ${ms(quantile(delivery, 0.5))}  p95 ${ms(quantile(delivery, 0.95))}`);
    console.log(`  webhook queue at the end: ${backlog.active} active, ${backlog.waiting} waiting, ${backlog.delayed} delayed (the down receiver's backlog; target: booking medians within noise of each other)`);
  } finally {
    for (const response of held) response.destroy();
    receiver.closeAllConnections();
    receiver.close();
    for (const child of children.reverse()) await child.stop();
    await db.close();
    await radicale.stop();
    await database.drop();
  }
}
