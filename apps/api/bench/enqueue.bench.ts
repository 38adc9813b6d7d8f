import { BenchEnv, loadConfig, processEnv } from '@roombook/config';
/**
 * Enqueue throughput (issue 9): `POST /api/{calendar}/events` of the real API (its own process,
 * worker stopped) against bare Fastify with the same route shape and body schema (also its own
 * process), both driven by autocannon from this process, 50 connections, one after the other. A
 * third run, the same bare Fastify adding each body as a BullMQ job, shows what the fixed stack
 * (Fastify + BullMQ on ioredis) allows before any work of ours.
 * `ROOMBOOK_BENCH_CPU_PROF=DIR` writes a V8 CPU profile of the API process and of the floor's into DIR.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import { createDatabase } from '@roombook/db';
import { createTestDatabase } from '@roombook/testing';
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

import { seedEnqueueRoom } from './bench-fixture.js';
import { freePort, repoRoot, startNode, type Child } from './processes.js';

const bench = loadConfig(BenchEnv, processEnv());

const CONNECTIONS = 50;
const SECONDS = bench.ROOMBOOK_BENCH_SECONDS;

interface Load {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  /** CPU time of the server process per answered request, in µs (the figure a busy machine distorts least). */
  cpuUs: number;
  /** Redis server CPU per answered request, in µs (INFO cpu: includes other clients of this Redis). */
  redisUs: number;
}

async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (field('used_cpu_sys') + field('used_cpu_user')) * 1000;
}

async function load(url: string, headers: Record<string, string>, body: string, server: Child, redis: Redis): Promise<Load> {
  // A short warm-up first: JIT, connection pools and caches, then the measured run.
  await autocannon({ url, method: 'POST', headers, body, connections: CONNECTIONS, duration: 2 });
  const [cpuBefore, redisBefore] = [await server.cpuMs(), await redisCpuMs(redis)];
  const result = await autocannon({ url, method: 'POST', headers, body, connections: CONNECTIONS, duration: SECONDS });
  const [cpuAfter, redisAfter] = [await server.cpuMs(), await redisCpuMs(redis)];
  const answered = Math.max(1, result.requests.total);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors,
    cpuUs: ((cpuAfter - cpuBefore) * 1000) / answered,
    redisUs: ((redisAfter - redisBefore) * 1000) / answered,
  };
}

const line = (l: Load) =>
  `${Math.round(l.rps).toLocaleString('en')} req/s, p50 ${l.p50} ms, p99 ${l.p99} ms, server CPU ${Math.round(l.cpuUs)} µs/req, Redis CPU ${Math.round(l.redisUs)} µs/req${l.non2xx ? `, ${l.non2xx} non-2xx/errors` : ''}`;

export async function run(): Promise<void> {
  const database = await createTestDatabase();
  const prefix = `bench-${randomBytes(3).toString('hex')}`;
  const db = createDatabase(database.url, { max: 2 });
  const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  const queue = new Queue('calendar', { connection: redis, prefix });
  const children: { stop(): Promise<void> }[] = [];
  try {
    const { token, body } = await seedEnqueueRoom(db.db);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    const barePort = await freePort();
    const bare = await startNode(join(repoRoot, 'apps/api/bench/bare-fastify.ts'), { PORT: String(barePort) }, {
      port: barePort,
      nodeArgs: ['--conditions=source', '--import', 'tsx'],
    });
    children.push(bare);
    const anchor = await load(`http://127.0.0.1:${barePort}/api/room/events`, headers, body, bare, redis);
    await bare.stop();

    const profileDir = bench.ROOMBOOK_BENCH_CPU_PROF;
    const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    const floorPort = await freePort();
    const floorPrefix = `${prefix}-floor`;
    const floor = await startNode(join(repoRoot, 'apps/api/bench/bare-fastify.ts'), { PORT: String(floorPort), QUEUE_PREFIX: floorPrefix }, {
      port: floorPort,
      nodeArgs: ['--conditions=source', '--import', 'tsx', ...profile],
    });
    children.push(floor);
    const stackFloor = await load(`http://127.0.0.1:${floorPort}/api/room/events`, headers, body, floor, redis);
    await floor.stop();
    const floorQueue = new Queue('calendar', { connection: redis, prefix: floorPrefix });
    const floorJobs = await floorQueue.count();
    await floorQueue.obliterate({ force: true }).catch(() => {});
    await floorQueue.close();

    const apiPort = await freePort();
    const api = await startNode(
      join(repoRoot, 'apps/api/dist/server.js'),
      { DATABASE_URL: database.url, QUEUE_PREFIX: prefix, HOST: '127.0.0.1', PORT: String(apiPort), LOG_LEVEL: 'info', ADMIN_TOKEN: '',
        // The per-key job limit still runs on every request; it is only set above what the load can reach.
        RATE_LIMIT_JOBS_MAX: '100000000' },
      { port: apiPort, quiet: true, nodeArgs: profile },
    );
    children.push(api);
    const ours = await load(`http://127.0.0.1:${apiPort}/api/room/events`, headers, body, api, redis);
    await api.stop();
    const jobs = await queue.count();

    console.log(`enqueue, POST /api/{calendar}/events, autocannon ${CONNECTIONS} connections, ${SECONDS} s each, worker stopped:`);
    console.log(`  roombook API      ${line(ours)} (${jobs.toLocaleString('en')} jobs enqueued)`);
    console.log(`  bare Fastify      ${line(anchor)}   <- anchor, same route shape and body schema`);
    console.log(`  Fastify + add     ${line(stackFloor)} (${floorJobs.toLocaleString('en')} jobs enqueued)   <- the same bare Fastify adding each body as a BullMQ job: the stack's floor`);
    console.log(`  ratio             ${((ours.rps / anchor.rps) * 100).toFixed(1)} % of bare Fastify's req/s (target >= 35 %, p99 < 25 ms); server CPU per request ${(ours.cpuUs / anchor.cpuUs).toFixed(1)}x bare Fastify's`);
    console.log(`  the stack's floor ${((stackFloor.rps / anchor.rps) * 100).toFixed(1)} % of bare Fastify's req/s; roombook ${((ours.rps / stackFloor.rps) * 100).toFixed(1)} % of the floor's req/s, server CPU per request ${(ours.cpuUs / stackFloor.cpuUs).toFixed(1)}x the floor's`);
  } finally {
    for (const child of children) await child.stop();
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    redis.disconnect();
    await db.close();
    await database.drop();
  }
}
