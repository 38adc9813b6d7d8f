import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv, promisify } from 'node:util';

import { processEnv } from '@roombook/config';
import { freePort } from '@roombook/testing';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'roombook-demo-'));
// A database of the demo's own beside the run's, dropped at the end.
const demoDatabase = new URL(inject('databaseUrl'));
demoDatabase.pathname = `${demoDatabase.pathname}_demo`;

/** Processes whose command line or environment mentions the demo folder: the demo and all it started. */
function processesOfTheDemo(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const text = readFileSync(`/proc/${entry}/cmdline`, 'utf8') + readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (text.includes(dir)) found.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startDemo(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['scripts/demo.js'], {
    cwd: root,
    env: { PATH: processEnv()['PATH'] ?? '', HOME: processEnv()['HOME'] ?? dir, REDIS_URL: inject('redisUrl'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** The printed curl line, once the demo is ready. */
async function curlLine(run: Run): Promise<string> {
  for (let i = 0; i < 1800; i++) {
    const line = run.output().split('\n').find((l) => l.startsWith('curl -s -H "Authorization: Bearer '));
    if (line) return line;
    if (run.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the demo printed no curl:\n${run.output()}`);
}

async function stop(run: Run): Promise<void> {
  run.child.kill('SIGINT');
  expect(await run.exited).toBe(0);
  // Let the OS reap what the demo's children waited for.
  for (let i = 0; i < 50 && processesOfTheDemo().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(processesOfTheDemo()).toEqual([]);
}

describe('npm run demo', () => {
  afterAll(async () => {
    for (const pid of processesOfTheDemo()) process.kill(pid, 'SIGKILL');
    const sql = postgres(inject('databaseUrl'), { max: 1 });
    await sql.unsafe(`DROP DATABASE IF EXISTS "${demoDatabase.pathname.slice(1)}" WITH (FORCE)`);
    await sql.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('books the demo room with the printed curl, stops everything on Ctrl-C, and reuses its folder next time', async () => {
    const env = {
      ROOMBOOK_DEMO_DIR: dir,
      ROOMBOOK_DEMO_PORT: String(await freePort()),
      ROOMBOOK_DEMO_CALDAV_PORT: String(await freePort()),
      ROOMBOOK_DEMO_DATABASE_URL: demoDatabase.toString(),
    };
    const first = startDemo(env);
    let line: string;
    try {
      line = await curlLine(first);
      expect(first.output()).toContain('created the room calendar');
      expect(first.output()).toMatch(/API docs: +http:\/\/127\.0\.0\.1:\d+\/api\/docs/);
      expect(first.output()).toMatch(/Bull Board: +http:\/\/127\.0\.0\.1:\d+\/admin\/queues/);

      // The line exactly as printed, through a shell, as a person would paste it.
      const { stdout } = await promisify(execFile)('sh', ['-c', line]);
      const { id } = JSON.parse(stdout) as { id: string };
      expect(id).toMatch(/^[0-9A-Za-z]{22}$/);
      // The booking is in the future (tomorrow) and on the demo's Radicale.
      const start = /"start":"(\d{4}-\d{2}-\d{2})T10:00"/.exec(line)![1]!;
      expect(new Date(`${start}T23:59:59Z`).getTime()).toBeGreaterThan(Date.now());
      const settings = parseEnv(readFileSync(join(dir, 'roombook.env'), 'utf8'));
      const room = await fetch(`http://127.0.0.1:${env.ROOMBOOK_DEMO_CALDAV_PORT}/demo/demo-room/`, {
        headers: { authorization: 'Basic ' + Buffer.from(`demo:${settings['DEMO_CALDAV_PASSWORD']}`).toString('base64') },
      });
      expect(room.status).toBe(200);
      const ics = await room.text();
      expect(ics).toContain(`UID:${id}`);
      expect(ics).toContain('SUMMARY:Demo meeting');
    } finally {
      await stop(first);
    }

    const second = startDemo(env);
    try {
      const again = await curlLine(second);
      // the same key, room and folder: nothing was created a second time
      expect(again.slice(0, again.indexOf(' -H "Content-Type'))).toBe(line.slice(0, line.indexOf(' -H "Content-Type')));
      expect(second.output()).not.toContain('created the room calendar');
      expect(second.output()).not.toContain('registered demo-room');
      // and the room stored on the first run still books (its password is readable: the same SECRET_KEY)
      const { stdout } = await promisify(execFile)('sh', ['-c', again.replace('Demo meeting', 'Second meeting')]);
      expect(JSON.parse(stdout)).toEqual({ id: expect.stringMatching(/^[0-9A-Za-z]{22}$/) });
      expect(readFileSync(join(dir, 'roombook.env'), 'utf8').match(/^SECRET_KEY=/gm)).toHaveLength(1);
    } finally {
      await stop(second);
    }
  }, 300_000);
});
