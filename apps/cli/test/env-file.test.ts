import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { processEnv } from '@roombook/config';
import { createSecretBox } from '@roombook/db';
import { makeCalendar, type CalDavUser } from '@roombook/testing';
import { afterAll, describe, expect, inject, it } from 'vitest';

import { databaseUrl, openDatabase, uniqueName } from './helpers.js';

const handle = openDatabase();
afterAll(() => handle.close());

describe('the roombook command reads .env', () => {
  it('takes SECRET_KEY and DATABASE_URL from the .env file, as npm start does', async () => {
    const [rooms] = inject('radicaleUsers') as [CalDavUser];
    const dir = mkdtempSync(join(tmpdir(), 'roombook-cli-env-'));
    const envFile = join(dir, '.env');
    const key = 'key-from-the-dot-env-file-0123456789';
    writeFileSync(envFile, `DATABASE_URL=${databaseUrl}\nSECRET_KEY=${key}\nROOMS_PASSWORD=${rooms.password}\n`);
    const slug = uniqueName('envroom');
    const url = await makeCalendar(inject('radicaleUrl'), rooms, slug);
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    // Only PATH and the file's location: nothing else comes from the test's environment.
    const env = { PATH: processEnv()['PATH'] ?? '', ROOMBOOK_ENV_FILE: envFile };
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', main, 'calendar', 'create', '--slug', slug, '--url', url, '--username', rooms.username, '--password-env', 'ROOMS_PASSWORD'],
      { cwd: root, env },
    );
    expect(stdout).toContain(`created calendar ${slug}`);
    const row = await handle.db.query.calendars.findFirst({ where: (c, { eq }) => eq(c.slug, slug) });
    expect(createSecretBox(key).decrypt(row!.passwordEncrypted)).toBe(rooms.password);
  });
});
