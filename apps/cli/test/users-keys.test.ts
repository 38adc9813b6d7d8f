import { createHash } from 'node:crypto';

import { afterAll, describe, expect, it } from 'vitest';

import { expectOneErrorLine, openDatabase, run, runJson, uniqueName } from './helpers.js';

const handle = openDatabase();
afterAll(() => handle.close());

describe('user', () => {
  it('creates a user and lists it, as text and JSON', async () => {
    const name = uniqueName('alice');
    const created = await run(['user', 'create', '--name', name, '--email', 'alice@example.org']);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toContain(`created user ${name}`);

    const text = await run(['user', 'list']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ID\s+NAME\s+EMAIL\s+CREATED/);
    expect(text.stdout).toMatch(new RegExp(`${name}\\s+alice@example\\.org`));

    const users = await runJson<{ id: number; name: string; email: string | null; createdAt: string }[]>(['user', 'list']);
    const user = users.find((u) => u.name === name);
    expect(user).toMatchObject({ name, email: 'alice@example.org' });
    expect(Date.parse(user!.createdAt)).not.toBeNaN();
  });

  it('prints one JSON document for create --json', async () => {
    const name = uniqueName('bob');
    const user = await runJson<{ id: number; name: string; email: null }>(['user', 'create', '--name', name]);
    expect(user).toMatchObject({ name, email: null });
    expect(user.id).toBeGreaterThan(0);
  });

  it('refuses a duplicate user with one error line and exit 1', async () => {
    const name = uniqueName('dup');
    expect((await run(['user', 'create', '--name', name])).code).toBe(0);
    const again = await run(['user', 'create', '--name', name]);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(expectOneErrorLine(again.stderr)).toBe(`roombook: error: user "${name}" already exists`);
  });

  it('treats a malformed e-mail or a missing --name as usage errors (exit 2)', async () => {
    const bad = await run(['user', 'create', '--name', uniqueName('e'), '--email', 'not-an-email']);
    expect(bad.code).toBe(2);
    expect(expectOneErrorLine(bad.stderr)).toContain('--email');
    const missing = await run(['user', 'create']);
    expect(missing.code).toBe(2);
    expect(expectOneErrorLine(missing.stderr)).toContain('--name');
  });
});

describe('key', () => {
  async function newUser(): Promise<string> {
    const name = uniqueName('keyuser');
    expect((await run(['user', 'create', '--name', name])).code).toBe(0);
    return name;
  }

  it('prints a new token once and stores only its SHA-256', async () => {
    const user = await newUser();
    const result = await run(['key', 'create', '--user', user, '--label', 'ci']);
    expect(result.code).toBe(0);
    const token = result.stdout.trimEnd().split('\n').at(-1)!;
    expect(token).toMatch(/^rbk_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{32}$/);
    const prefix = token.split('_')[1]!;

    const row = await handle.db.query.apiKeys.findFirst({ where: (k, { eq }) => eq(k.prefix, prefix) });
    expect(row).toBeDefined();
    expect(row!.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(row!.label).toBe('ci');
    // The token itself is nowhere in the row.
    expect(JSON.stringify(row)).not.toContain(token);
    expect(JSON.stringify(row)).not.toContain(token.split('_')[2]!);
  });

  it('returns the token in --json output, and key list never shows it', async () => {
    const user = await newUser();
    const key = await runJson<{ prefix: string; user: string; label: null; token: string }>(['key', 'create', '--user', user]);
    expect(key).toMatchObject({ user, label: null });
    expect(key.token.startsWith(`rbk_${key.prefix}_`)).toBe(true);

    const listed = await run(['key', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(key.prefix);
    expect(listed.stdout).not.toContain(key.token);
    const keys = await runJson<Record<string, unknown>[]>(['key', 'list']);
    const entry = keys.find((k) => k['prefix'] === key.prefix);
    expect(entry).toMatchObject({ user, revokedAt: null });
    expect(Object.keys(entry!)).not.toContain('tokenHash');
    expect(JSON.stringify(keys)).not.toContain(key.token);
  });

  it('fails for an unknown user', async () => {
    const result = await run(['key', 'create', '--user', uniqueName('ghost')]);
    expect(result.code).toBe(1);
    expect(expectOneErrorLine(result.stderr)).toMatch(/unknown user/);
  });

  it('revokes by prefix (sets revoked_at) and reports unknown or already revoked keys', async () => {
    const user = await newUser();
    const key = await runJson<{ prefix: string }>(['key', 'create', '--user', user]);
    const revoked = await run(['key', 'revoke', '--prefix', key.prefix]);
    expect(revoked).toMatchObject({ code: 0, stdout: `revoked key ${key.prefix}\n` });
    const row = await handle.db.query.apiKeys.findFirst({ where: (k, { eq }) => eq(k.prefix, key.prefix) });
    expect(row!.revokedAt).toBeInstanceOf(Date);

    const again = await run(['key', 'revoke', '--prefix', key.prefix]);
    expect(again.code).toBe(1);
    expect(expectOneErrorLine(again.stderr)).toContain('already revoked');

    const unknown = await run(['key', 'revoke', '--prefix', 'nosuchpf']);
    expect(unknown.code).toBe(1);
    expect(expectOneErrorLine(unknown.stderr)).toBe('roombook: error: unknown key prefix "nosuchpf"');
  });
});
