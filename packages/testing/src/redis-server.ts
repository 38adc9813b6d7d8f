import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from './radicale.js';

export interface PrivateRedis {
  url: string;
  port: number;
  /** Kills the server without a chance to save (SIGKILL): what a crash or a lost host does. */
  kill: () => Promise<void>;
  /** Starts it again on the same port and data folder; with append-only persistence it reloads its data. */
  start: () => Promise<void>;
  /** Stops it for good and removes its folder. */
  stop: () => Promise<void>;
}

/**
 * A private `redis-server` (Debian's redis-server package) on a free loopback port, for tests that
 * take Redis away. Append-only persistence with fsync on every write by default, so whatever a
 * client saw acknowledged survives a kill -9.
 */
export async function startPrivateRedis(options: { args?: string[] } = {}): Promise<PrivateRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'roombook-redis-'));
  const port = await freePort();
  const args = [
    '--bind', '127.0.0.1',
    '--port', String(port),
    '--dir', dir,
    '--save', '',
    '--appendonly', 'yes',
    '--appendfsync', 'always',
    '--logfile', '',
    ...(options.args ?? []),
  ];
  let child: ChildProcess | undefined;
  const start = async () => {
    const process = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = process;
    const failed = new Promise<never>((_, reject) => {
      process.once('error', (error) => reject(new Error(`cannot start redis-server (apt-get install redis-server): ${error.message}`)));
      process.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
    });
    await Promise.race([waitForPort(port), failed]);
  };
  const kill = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    start,
    async stop() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once something accepts TCP connections on the loopback port. */
export async function waitForPort(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
}
