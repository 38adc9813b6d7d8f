import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';

import { createCalendarsRepository, createSecretBox, createUsersRepository } from '@roombook/db';
import { CalendarJob, type CreateEventPayload } from '@roombook/queue';
import { futureDay, uniqueName } from '@roombook/testing';
import { describe, expect, inject, it } from 'vitest';
import { useCalendarQueue } from './support/worker-fixture.js';

const SECRET = 'test-secret-key-0123456789';
const root = fileURLToPath(new URL('../../..', import.meta.url));

/** A CalDAV stand-in whose PUT takes a while, so a job is surely active when the signal comes. */
function slowCalDav(delayMs: number): Promise<{ server: Server; url: string; putStarted: Promise<void> }> {
  let started!: () => void;
  const putStarted = new Promise<void>((resolve) => (started = resolve));
  const server = createServer((request, response) => {
    request.resume();
    if (request.method !== 'PUT') {
      response.writeHead(404).end();
      return;
    }
    started();
    setTimeout(() => response.writeHead(201, { etag: '"v1"' }).end(), delayMs);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ server, url: `http://127.0.0.1:${port}/rooms/cal/`, putStarted });
    }),
  );
}

interface WorkerProcess {
  exited: Promise<number | null>;
  output: () => string;
  kill: (signal: NodeJS.Signals) => void;
  waitFor: (text: string) => Promise<void>;
  cleanup: () => void;
}

/** The real worker entry point (main.ts) in a child process, as a supervisor would run it. */
function spawnWorker(env: Record<string, string>, nodeArgs: string[] = []): WorkerProcess {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', ...nodeArgs, 'apps/worker/src/main.ts'], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    exited,
    output: () => output,
    kill: (signal) => child.kill(signal),
    async waitFor(text) {
      for (let i = 0; i < 400 && !output.includes(text) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 50));
      expect(output).toContain(text);
    },
    cleanup: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

describe('worker process shutdown', () => {
  const { database, prefix, queue } = useCalendarQueue('shutdown');

  it('on SIGTERM finishes the active job, then exits 0', async () => {
    const caldav = await slowCalDav(1500);
    const user = await createUsersRepository(database.db).create({ name: uniqueName('shutdown') });
    const calendar = await createCalendarsRepository(database.db, createSecretBox(SECRET)).create({
      slug: uniqueName('shutdown'), url: caldav.url, username: 'rooms', password: 'pw',
      // this fake server answers PUT only: no booking-time read before the write (issue 11)
      policy: { conflictPolicy: 'allow' },
    });
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'apps/worker/src/main.ts'], {
      cwd: root,
      env: { DATABASE_URL: inject('databaseUrl'), REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: prefix, SECRET_KEY: SECRET, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      for (let i = 0; i < 300 && !output.includes('worker started'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(output).toContain('worker started');

      const payload: CreateEventPayload = {
        calendarId: calendar.id, userId: user.id, uid: uniqueName('evt'), name: 'During shutdown',
        start: `${futureDay(undefined, 'UTC')}T09:00:00.000Z`, end: `${futureDay(undefined, 'UTC')}T10:00:00.000Z`, timeZone: 'UTC',
      };
      const job = await queue.add(CalendarJob.createEvent, payload);
      await caldav.putStarted;
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await job.getState()).toBe('completed');
      expect((await queue.getJob(job.id!))?.returnvalue).toMatchObject({ id: payload.uid, etag: '"v1"', alreadyExisted: false });
      expect(output).toContain('finishing active jobs');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      caldav.server.close();
    }
  }, 60_000);

  const baseEnv = () => ({ DATABASE_URL: inject('databaseUrl'), REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: prefix, SECRET_KEY: SECRET, LOG_LEVEL: 'info' });

  it('gives up waiting for active jobs after WORKER_SHUTDOWN_TIMEOUT_MS and exits 1; the job stays to be retried', async () => {
    const caldav = await slowCalDav(60_000);
    const user = await createUsersRepository(database.db).create({ name: uniqueName('deadline') });
    const calendar = await createCalendarsRepository(database.db, createSecretBox(SECRET)).create({
      slug: uniqueName('deadline'), url: caldav.url, username: 'rooms', password: 'pw',
      policy: { conflictPolicy: 'allow' },
    });
    const worker = spawnWorker({ ...baseEnv(), WORKER_SHUTDOWN_TIMEOUT_MS: '300', CALDAV_TIMEOUT_MS: '60000' });
    try {
      await worker.waitFor('worker started');
      const payload: CreateEventPayload = {
        calendarId: calendar.id, userId: user.id, uid: uniqueName('evt'), name: 'Stuck',
        start: `${futureDay(undefined, 'UTC')}T09:00:00.000Z`, end: `${futureDay(undefined, 'UTC')}T10:00:00.000Z`, timeZone: 'UTC',
      };
      const job = await queue.add(CalendarJob.createEvent, payload);
      await caldav.putStarted;
      worker.kill('SIGTERM');
      expect(await worker.exited).toBe(1);
      expect(worker.output()).toContain('shutdown deadline passed');
      // not completed, not failed: BullMQ's stalled-job check hands it to another worker
      expect(await job.getState()).toBe('active');
    } finally {
      worker.cleanup();
      caldav.server.closeAllConnections();
      caldav.server.close();
    }
  }, 60_000);

  for (const kind of ['exception', 'rejection'] as const) {
    it(`logs an unhandled ${kind} and exits 1, so a supervisor restarts it`, async () => {
      const worker = spawnWorker({ ...baseEnv(), CRASH_KIND: kind }, ['--import', './apps/worker/test/fixtures/crash-on-signal.mjs']);
      try {
        await worker.waitFor('worker started');
        worker.kill('SIGUSR2');
        expect(await worker.exited).toBe(1);
        const fatal = worker.output().split('\n').find((line) => line.includes(`test-induced ${kind}`)) ?? '';
        expect(JSON.parse(fatal)).toMatchObject({ level: 60, msg: `${kind === 'exception' ? 'uncaught exception' : 'unhandled rejection'}: exiting` });
      } finally {
        worker.cleanup();
      }
    }, 60_000);
  }

  it('refuses a bad SMTP setting with one line naming it, no stack trace', async () => {
    const worker = spawnWorker({ ...baseEnv(), SMTP_SERVER: 'smtp.example.org' });
    try {
      expect(await worker.exited).toBe(1);
      expect(worker.output().trim()).toBe('roombook-worker: SMTP_SERVER is set but SMTP_EMAIL (the sender address) is not');
    } finally {
      worker.cleanup();
    }
  }, 60_000);
});
