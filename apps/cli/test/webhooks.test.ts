import { afterAll, describe, expect, it } from 'vitest';

import { createSecretBox, createWebhooksRepository, schema } from '@roombook/db';
import { eq } from 'drizzle-orm';

import { SECRET_KEY, expectOneErrorLine, openDatabase, run, runJson, uniqueName } from './helpers.js';

const handle = openDatabase();
afterAll(() => handle.close());

interface Webhook {
  id: number;
  user: string;
  url: string;
  events: string[];
  createdAt: string;
  revokedAt: string | null;
  secret?: string;
}

const LOOPBACK = { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' };

async function user(): Promise<string> {
  const name = uniqueName('hook-user');
  expect((await run(['user', 'create', '--name', name])).code).toBe(0);
  return name;
}

describe('webhook', () => {
  it('creates a webhook, prints its whsec_ secret once and keeps it only sealed', async () => {
    const name = await user();
    const text = await run(['webhook', 'create', '--user', name, '--url', 'http://127.0.0.1:9/hooks', '--events', 'booking.created,clear.completed'], LOOPBACK);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`for user ${name} -> http://127.0.0.1:9/hooks (booking.created, clear.completed)`);
    const secret = text.stdout.trimEnd().split('\n').at(-1)!;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);

    const id = Number(/created webhook (\d+)/.exec(text.stdout)![1]);
    const [row] = await handle.db.select().from(schema.webhooks).where(eq(schema.webhooks.id, id));
    expect(row!.secretEncrypted).not.toContain(secret.slice(6, 20));
    // Sealed with SECRET_KEY: the worker opens it to sign.
    expect((await createWebhooksRepository(handle.db, createSecretBox(SECRET_KEY)).target(id))!.secret).toBe(secret);

    const listed = await run(['webhook', 'list', '--user', name]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(secret.slice(6));
    expect(listed.stdout).toMatch(new RegExp(`${id}\\s+${name}\\s+http://127\\.0\\.0\\.1:9/hooks\\s+booking\\.created, clear\\.completed`));
  });

  it('lists as JSON without secrets; no --events means every event', async () => {
    const name = await user();
    const created = await runJson<Webhook>(['webhook', 'create', '--user', name, '--url', 'http://127.0.0.1:9/all'], LOOPBACK);
    expect(created).toMatchObject({ user: name, url: 'http://127.0.0.1:9/all', events: [], revokedAt: null });
    expect(created.secret).toMatch(/^whsec_/);
    const listed = await runJson<Webhook[]>(['webhook', 'list', '--user', name]);
    expect(listed).toEqual([{ id: created.id, user: name, url: created.url, events: [], createdAt: created.createdAt, revokedAt: null }]);
    expect((await run(['webhook', 'list', '--user', name])).stdout).toContain('all events');
  });

  it('revokes once; a second revoke and unknown ids fail with one line', async () => {
    const name = await user();
    const created = await runJson<Webhook>(['webhook', 'create', '--user', name, '--url', 'http://127.0.0.1:9/r'], LOOPBACK);
    const revoked = await run(['webhook', 'revoke', '--id', String(created.id)]);
    expect(revoked).toMatchObject({ code: 0, stdout: `revoked webhook ${created.id} (http://127.0.0.1:9/r); nothing more is sent to it\n` });
    const [listed] = await runJson<Webhook[]>(['webhook', 'list', '--user', name]);
    expect(listed!.revokedAt).not.toBeNull();

    const again = await run(['webhook', 'revoke', '--id', String(created.id)]);
    expect(again.code).toBe(1);
    expect(expectOneErrorLine(again.stderr)).toBe(`roombook: error: webhook ${created.id} is already revoked`);
    const unknown = await run(['webhook', 'deliveries', '--id', '2147483000']);
    expect(unknown.code).toBe(1);
    expect(expectOneErrorLine(unknown.stderr)).toBe('roombook: error: unknown webhook 2147483000');
  });

  it('shows deliveries, newest first', async () => {
    const name = await user();
    const created = await runJson<Webhook>(['webhook', 'create', '--user', name, '--url', 'http://127.0.0.1:9/d'], LOOPBACK);
    expect((await run(['webhook', 'deliveries', '--id', String(created.id)])).stdout).toBe(`no deliveries to webhook ${created.id} yet\n`);
    const repo = createWebhooksRepository(handle.db);
    await repo.recordDelivery({ webhookId: created.id, messageId: 'msg_1', eventType: 'booking.created', attempt: 1, statusCode: null, error: 'no answer within 10000 ms', durationMs: 10_000 });
    await repo.recordDelivery({ webhookId: created.id, messageId: 'msg_1', eventType: 'booking.created', attempt: 2, statusCode: 204, error: null, durationMs: 12 });
    const text = await run(['webhook', 'deliveries', '--id', String(created.id)]);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^AT\s+MESSAGE\s+EVENT\s+ATTEMPT\s+STATUS\s+MS\s+ERROR$/);
    expect(lines[1]).toMatch(/msg_1\s+booking\.created\s+2\s+204\s+12\s+-$/);
    expect(lines[2]).toMatch(/msg_1\s+booking\.created\s+1\s+-\s+10000\s+no answer within 10000 ms$/);
    const json = await runJson<{ attempt: number; statusCode: number | null }[]>(['webhook', 'deliveries', '--id', String(created.id), '--limit', '1']);
    expect(json).toMatchObject([{ attempt: 2, statusCode: 204 }]);
  });

  it('refuses bad input with a usage error (exit 2) and saves nothing', async () => {
    const name = await user();
    for (const [args, message] of [
      [['--url', 'ftp://hooks.example.org/x'], 'Only http:// and https://'],
      [['--url', 'https://u:p@hooks.example.org/x'], 'must not contain credentials'],
      [['--url', 'https://hooks.example.org/x', '--events', 'booking.moved'], 'Unknown event type "booking.moved"'],
    ] as const) {
      const result = await run(['webhook', 'create', '--user', name, ...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toContain('u:p@');
    }
    expect(await runJson<Webhook[]>(['webhook', 'list', '--user', name])).toEqual([]);
  });

  it('refuses private and metadata targets unless allowed, and unknown users (exit 1)', async () => {
    const name = await user();
    const privateUrl = await run(['webhook', 'create', '--user', name, '--url', 'http://10.0.0.7/hook']);
    expect(privateUrl.code).toBe(1);
    expect(expectOneErrorLine(privateUrl.stderr)).toBe(
      'roombook: error: webhook not saved: 10.0.0.7 is a loopback or private address (set WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true to allow)',
    );
    const metadata = await run(['webhook', 'create', '--user', name, '--url', 'http://169.254.169.254/latest'], LOOPBACK);
    expect(metadata.code).toBe(1);
    expect(metadata.stderr).toContain('169.254.169.254 is a link-local or unspecified address');
    expect(await runJson<Webhook[]>(['webhook', 'list', '--user', name])).toEqual([]);

    const nobody = await run(['webhook', 'create', '--user', uniqueName('nobody'), '--url', 'https://hooks.example.org/x']);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toMatch(/unknown user/);
  });
});
