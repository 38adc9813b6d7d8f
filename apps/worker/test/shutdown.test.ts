import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';

import { createCalendarsRepository, createDatabase, createSecretBox, createUsersRepository } from '@roombook/db';
import { CalendarJob, QueueName, type CreateEventPayload } from '@roombook/queue';
import { uniqueName } from '@roombook/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';

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

describe('worker process shutdown', () => {
  const database = createDatabase(inject('databaseUrl'), { max: 2 });
  const connection = new Redis(inject('redisUrl'));
  const prefix = `${inject('runId')}-shutdown-${randomBytes(3).toString('hex')}`;
  const queue = new Queue(QueueName.calendar, { connection, prefix });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
    await database.close();
  });

  it('on SIGTERM finishes the active job, then exits 0', async () => {
    const caldav = await slowCalDav(1500);
    const user = await createUsersRepository(database.db).create({ name: uniqueName('shutdown') });
    const calendar = await createCalendarsRepository(database.db, createSecretBox(SECRET)).create({
      slug: uniqueName('shutdown'), url: caldav.url, username: 'rooms', password: 'pw',
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
        start: '2027-03-01T09:00:00.000Z', end: '2027-03-01T10:00:00.000Z', timeZone: 'UTC',
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
});
