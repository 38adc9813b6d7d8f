import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

import { processEnv } from '@roombook/config';
import { createDatabase } from '@roombook/db';

import { databaseUrl, expectOneErrorLine, run } from './helpers.js';

const UNREACHABLE = 'postgres://postgres:hunter2@127.0.0.1:1/x';

function sibling(name: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

describe('migrate', () => {
  it('creates a missing database, applies every migration, and is idempotent', async () => {
    const name = `roombook_cli_migrate_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    const url = sibling(name);
    const server = createDatabase(sibling('postgres'), { max: 1 });
    try {
      const first = await run(['migrate'], { DATABASE_URL: url });
      expect(first).toMatchObject({ code: 0, stderr: '' });
      expect(first.stdout).toMatch(/^applied \d+ migrations?; database is up to date\n$/);

      const fresh = createDatabase(url, { max: 1 });
      try {
        const rows = await fresh.db.execute<{ table_name: string }>(
          "select table_name from information_schema.tables where table_schema = 'public'",
        );
        expect(rows.map((r) => r.table_name)).toEqual(
          expect.arrayContaining(['users', 'api_keys', 'calendars', 'calendar_users', 'email_templates', 'priority_tokens', 'audit_log']),
        );
      } finally {
        await fresh.close();
      }

      const again = await run(['migrate', '--json'], { DATABASE_URL: url });
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toEqual({ applied: 0 });
      // And the other commands work against it.
      expect(await run(['user', 'list'], { DATABASE_URL: url })).toMatchObject({ code: 0, stdout: 'no users\n' });
    } finally {
      await server.db.execute(`drop database if exists "${name}" with (force)`);
      await server.close();
    }
  });
});

describe('errors', () => {
  it('reports an unreachable database in one line, fast, without the password', async () => {
    for (const argv of [['user', 'list'], ['calendar', 'list', '--json'], ['migrate']]) {
      const started = Date.now();
      const result = await run(argv, { DATABASE_URL: UNREACHABLE });
      expect(Date.now() - started).toBeLessThan(3000);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      const line = expectOneErrorLine(result.stderr);
      expect(line).toMatch(/^roombook: error: cannot reach the database at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/x: .*ECONNREFUSED/);
      expect(result.stderr).not.toContain('hunter2');
    }
  });

  it('points at `roombook migrate` for a database that does not exist', async () => {
    const result = await run(['user', 'list'], { DATABASE_URL: sibling(`roombook_cli_absent_${randomBytes(4).toString('hex')}`) });
    expect(result.code).toBe(1);
    expect(expectOneErrorLine(result.stderr)).toMatch(/does not exist.*roombook migrate/);
  });

  it('reports invalid configuration by variable name', async () => {
    const result = await run(['user', 'list'], { DATABASE_URL: 'mysql://localhost/x' });
    expect(result.code).toBe(1);
    expect(expectOneErrorLine(result.stderr)).toMatch(/^roombook: error: invalid configuration: DATABASE_URL /);
  });

  it('treats unknown commands and options as usage errors (exit 2) and help as success', async () => {
    const unknownCommand = await run(['usr', 'list']);
    expect(unknownCommand.code).toBe(2);
    expectOneErrorLine(unknownCommand.stderr);
    const unknownOption = await run(['user', 'list', '--colour']);
    expect(unknownOption.code).toBe(2);
    expect(expectOneErrorLine(unknownOption.stderr)).toContain('--colour');
    // A mistyped `--option=value` may carry a secret: the value is not echoed.
    const typo = await run(['calendar', 'update', '--slug', 'x', '--pasword=hunter2']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).not.toContain('hunter2');

    const bareGroup = await run(['calendar']);
    expect(bareGroup.code).toBe(2);
    expect(bareGroup.stderr).toContain('Usage: roombook calendar');

    const help = await run(['calendar', 'create', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--password-env <var>');
    expect(help.stderr).toBe('');
  });

  it('sets the process exit code when run as a program', async () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const exec = promisify(execFile);
    const env = { PATH: processEnv()['PATH'] ?? '', DATABASE_URL: UNREACHABLE };
    const args = ['--conditions=source', '--import', 'tsx', main];

    const failed = await exec(process.execPath, [...args, 'user', 'list'], { cwd: root, env }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/^roombook: error: cannot reach the database/);
  });
});
