import { processEnv } from '@roombook/config';
/**
 * Instructions per `POST /api/{calendar}/events` of the API process, counted by callgrind: a
 * figure that the other helpers' load on a shared machine does not move (CPU time per request
 * swings by ±15 % there, more than most single changes). Not part of `npm run bench` (it needs
 * valgrind and takes minutes): `node --conditions=source --import tsx
 * apps/api/bench/enqueue-instructions.ts` after a build. `ROOT=/path/to/other/checkout` runs that
 * checkout's built API instead, for a before/after in one sitting. Counts user-space instructions
 * of all the process's threads, after a warm-up of the same size; kernel time (syscalls) is not in
 * it, and JIT tiering under valgrind differs from a real run, so compare builds, not machines.
 * Nor does it see how requests group: answering the failed-authentication block in process counted
 * ~15 % fewer instructions per request here but measured ~20 % more CPU per request in the bench
 * (rate-limits.ts), so check a change's direction with `npm run bench` too.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createDatabase } from '@roombook/db';
import { createTestDatabase, waitForPort } from '@roombook/testing';
import autocannon from 'autocannon';

import { seedEnqueueRoom } from './bench-fixture.js';
import { freePort, repoRoot } from './processes.js';

const env = processEnv();
const root = env['ROOT'] ?? repoRoot;
const requests = Number(env['REQUESTS'] ?? 3000);
const redisUrl = env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

const database = await createTestDatabase();
const db = createDatabase(database.url, { max: 2 });
const out = mkdtempSync(join(tmpdir(), 'roombook-callgrind-'));
try {
  const { token, body } = await seedEnqueueRoom(db.db);
  const port = await freePort();
  const prefix = `bench-${randomBytes(3).toString('hex')}`;
  // vgdb names its pipes after $HOST, which the API reads as its listen address: one value for both.
  const childEnv = { ...env, DATABASE_URL: database.url, REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ADMIN_TOKEN: '', RATE_LIMIT_JOBS_MAX: '100000000' };
  const child = spawn('valgrind', ['--tool=callgrind', '--instr-atstart=no', `--vgdb-prefix=${out}/vgdb`, `--callgrind-out-file=${out}/cg.%p`, process.execPath, join(root, 'apps/api/dist/server.js')], {
    env: childEnv,
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const control = (...args: string[]) => execFileSync('callgrind_control', [`--vgdb-prefix=${out}/vgdb`, ...args, String(child.pid)], { env: childEnv, stdio: 'ignore' });
  try {
    await waitForPort(port, 600_000);
    const load = () =>
      autocannon({ url: `http://127.0.0.1:${port}/api/room/events`, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body, connections: 20, amount: requests, timeout: 60 });
    await load(); // warm-up, uninstrumented
    control('-i', 'on');
    const result = await load();
    control('-i', 'off');
    control('-d');
    let instructions = 0;
    for (const file of readdirSync(out)) if (file.startsWith('cg.')) instructions += Number(/^totals:\s+(\d+)/m.exec(readFileSync(join(out, file), 'utf8'))?.[1] ?? 0);
    console.log(`enqueue under callgrind (${root}): ${result.requests.total} requests, ${result.non2xx + result.errors} non-2xx/errors, ${Math.round(instructions / result.requests.total / 1000).toLocaleString('en')} k instructions per request`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    const { Redis } = await import('ioredis');
    const { Queue } = await import('bullmq');
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    const queue = new Queue('calendar', { connection: redis, prefix });
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    redis.disconnect();
  }
} finally {
  rmSync(out, { recursive: true, force: true });
  await db.close();
  await database.drop();
}
