import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { SecretEnv, composeEnv, ensureSecretKey, loadConfig, loadEnvFile } from '../src/index.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'roombook-env-'));

describe('loadEnvFile: one .env for every process', () => {
  it('reads .env from the directory or the nearest one above, and the real environment wins', () => {
    const root = scratch();
    writeFileSync(join(root, '.env'), 'SECRET_KEY="from-the-file-0123456789"\nTIME_ZONE=Europe/Berlin\nPORT=9001\n# a comment\n');
    const below = join(root, 'apps', 'cli');
    mkdirSync(below, { recursive: true });
    const env: Record<string, string | undefined> = { PORT: '8123', TIME_ZONE: '' };
    expect(loadEnvFile({ env, cwd: below })).toBe(join(root, '.env'));
    expect(env).toEqual({ SECRET_KEY: 'from-the-file-0123456789', TIME_ZONE: 'Europe/Berlin', PORT: '8123' });
    // what the CLI then validates: the key it needs comes from the file
    expect(loadConfig(composeEnv(SecretEnv), env).SECRET_KEY).toBe('from-the-file-0123456789');
  });

  it('reads the file ROOMBOOK_ENV_FILE names, and refuses one that does not exist', () => {
    const root = scratch();
    writeFileSync(join(root, 'demo.env'), 'QUEUE_PREFIX=demo\n');
    const env: Record<string, string | undefined> = { ROOMBOOK_ENV_FILE: 'demo.env' };
    loadEnvFile({ env, cwd: root });
    expect(env['QUEUE_PREFIX']).toBe('demo');
    expect(() => loadEnvFile({ env: { ROOMBOOK_ENV_FILE: 'missing.env' }, cwd: root })).toThrow(/ROOMBOOK_ENV_FILE: names .*missing\.env, which does not exist/);
  });

  it('does nothing without a .env', () => {
    const env = {};
    expect(loadEnvFile({ env, cwd: scratch() })).toBeUndefined();
    expect(env).toEqual({});
  });
});

describe('ensureSecretKey: the key is made once and kept', () => {
  it('creates .env with a new key when there is none anywhere, readable by the next start', () => {
    const root = scratch();
    const envFile = join(root, '.env');
    const env: Record<string, string | undefined> = {};
    expect(ensureSecretKey({ env, envFile })).toBe('created-file');
    expect(env['SECRET_KEY']).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    const next: Record<string, string | undefined> = {};
    loadEnvFile({ env: next, cwd: root });
    expect(next['SECRET_KEY']).toBe(env['SECRET_KEY']);
    expect(ensureSecretKey({ env: next, envFile })).toBe('present');
    expect(readFileSync(envFile, 'utf8').match(/^SECRET_KEY=/gm)).toHaveLength(1);
  });

  it('adds the key to an existing .env without touching its other lines', () => {
    const root = scratch();
    const envFile = join(root, '.env');
    writeFileSync(envFile, 'ADMIN_TOKEN=choose-an-admin-password');
    const env: Record<string, string | undefined> = {};
    loadEnvFile({ env, cwd: root });
    expect(ensureSecretKey({ env, envFile })).toBe('added-to-file');
    const again: Record<string, string | undefined> = {};
    loadEnvFile({ env: again, cwd: root });
    expect(again).toEqual({ ADMIN_TOKEN: 'choose-an-admin-password', SECRET_KEY: env['SECRET_KEY'] });
  });

  it('leaves a key from the environment alone and writes nothing', () => {
    const root = scratch();
    expect(ensureSecretKey({ env: { SECRET_KEY: 'k'.repeat(32) }, envFile: join(root, '.env') })).toBe('present');
    expect(() => statSync(join(root, '.env'))).toThrow();
  });
});
