import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';

import { processEnv } from '@roombook/config';
import { freePort } from '@roombook/testing';
import { describe, expect, inject, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('npm start without any SECRET_KEY', () => {
  it('makes one, keeps it in the env file, says so in one line, and starts', async () => {
    const envFile = join(mkdtempSync(join(tmpdir(), 'roombook-start-')), '.env');
    const port = await freePort();
    const child = spawn(process.execPath, ['scripts/start.js'], {
      cwd: root,
      env: {
        PATH: processEnv()['PATH'] ?? '',
        ROOMBOOK_ENV_FILE: envFile,
        DATABASE_URL: inject('databaseUrl'),
        REDIS_URL: inject('redisUrl'),
        QUEUE_PREFIX: `${inject('runId')}-start`,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      let ready = false;
      for (let i = 0; i < 600 && !ready && child.exitCode === null; i++) {
        ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
        if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(ready, stderr).toBe(true);
      const notices = stderr.split('\n').filter((l) => l.includes('SECRET_KEY'));
      expect(notices).toEqual([`roombook: no SECRET_KEY was set, so a new one is now in ${envFile}; keep that file, stored CalDAV passwords need it`]);
      const key = parseEnv(readFileSync(envFile, 'utf8'))['SECRET_KEY'];
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      expect(stderr).not.toContain(key);
    } finally {
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    }
  }, 120_000);
});
