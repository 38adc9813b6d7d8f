import { createSecretBox, createUsersRepository, createWebhooksRepository } from '@roombook/db';
import { WebhookEvent } from '@roombook/queue';
import { Compile } from 'typebox/compile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { webhookExamples } from '../src/schemas/webhook-docs.js';
import { TEST_SECRET_KEY, buildTestApp, testConfig, uniqueName } from './helper.js';

const admin = { authorization: 'Bearer admin-token-for-tests' };

describe('admin API: webhooks (issue 12)', () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let user: string;

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = admin) =>
    ctx.app.inject({ method, url: `/api/admin${url}`, headers, ...(payload === undefined ? {} : { payload: payload as object }) });

  beforeAll(async () => {
    ctx = await buildTestApp(testConfig({ SECRET_KEY: TEST_SECRET_KEY }));
    user = (await createUsersRepository(ctx.db.db).create({ name: uniqueName('hooked') })).name;
  });
  afterAll(async () => {
    await ctx.app.close();
    await ctx.db.close();
  });

  it('needs the admin token', async () => {
    expect((await call('GET', '/webhooks', undefined, {})).statusCode).toBe(401);
  });

  it('creates a webhook whose secret is answered once and stored sealed, lists, revokes once', async () => {
    const created = await call('POST', '/webhooks', { user, url: 'https://93.184.215.14/hook', events: ['booking.created', 'booking.removed'] });
    expect(created.statusCode).toBe(201);
    const hook = created.json();
    expect(hook).toMatchObject({ user, url: 'https://93.184.215.14/hook', events: ['booking.created', 'booking.removed'], revokedAt: null });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect((await createWebhooksRepository(ctx.db.db, createSecretBox(TEST_SECRET_KEY)).target(hook.id))!.secret).toBe(hook.secret);

    const listed = await call('GET', `/webhooks?user=${user}`);
    expect(listed.json()).toEqual([{ id: hook.id, user, url: hook.url, events: hook.events, createdAt: hook.createdAt, revokedAt: null }]);
    expect(listed.body).not.toContain(hook.secret.slice(6));

    const revoked = await call('DELETE', `/webhooks/${hook.id}`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).not.toBeNull();
    const again = await call('DELETE', `/webhooks/${hook.id}`);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ type: '/problems/conflict', detail: `webhook ${hook.id} is already revoked` });
  });

  it('answers the delivery log, newest first, with a limit', async () => {
    const hook = (await call('POST', '/webhooks', { user, url: 'https://93.184.215.14/log' })).json();
    expect((await call('GET', `/webhooks/${hook.id}/deliveries`)).json()).toEqual([]);
    const repo = createWebhooksRepository(ctx.db.db);
    await repo.recordDelivery({ webhookId: hook.id, messageId: 'msg_a', eventType: 'clear.completed', attempt: 1, statusCode: 503, error: 'receiver answered 503', durationMs: 20 });
    await repo.recordDelivery({ webhookId: hook.id, messageId: 'msg_a', eventType: 'clear.completed', attempt: 2, statusCode: 200, error: null, durationMs: 9 });
    const log = (await call('GET', `/webhooks/${hook.id}/deliveries`)).json();
    expect(log.map((d: { attempt: number; statusCode: number }) => [d.attempt, d.statusCode])).toEqual([[2, 200], [1, 503]]);
    expect((await call('GET', `/webhooks/${hook.id}/deliveries?limit=1`)).json()).toHaveLength(1);
  });

  it('refuses bad input as problem documents and saves nothing', async () => {
    const before = (await call('GET', `/webhooks?user=${user}`)).json().length;
    const cases: [unknown, number, string][] = [
      [{ user, url: 'https://93.184.215.14/x', events: ['booking.moved'] }, 400, '/problems/validation'],
      [{ user, url: 'https://93.184.215.14/x', secret: 'mine' }, 400, '/problems/validation'],
      [{ user, url: 'ftp://93.184.215.14/x' }, 400, '/problems/validation'],
      [{ user, url: 'https://u:p@93.184.215.14/x' }, 400, '/problems/validation'],
      [{ user, url: 'http://10.0.0.7/x' }, 422, '/problems/webhook-target-refused'],
      [{ user, url: 'http://169.254.169.254/latest' }, 422, '/problems/webhook-target-refused'],
      [{ user: uniqueName('nobody'), url: 'https://93.184.215.14/x' }, 404, '/problems/not-found'],
    ];
    for (const [body, status, type] of cases) {
      const response = await call('POST', '/webhooks', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(status);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(response.json().type).toBe(type);
    }
    // The URL's refusals name the field, so the console shows them beside it.
    for (const url of ['ftp://93.184.215.14/x', 'https://u:p@93.184.215.14/x', 'http://10.0.0.7/x']) {
      const refused = (await call('POST', '/webhooks', { user, url })).json();
      expect(refused.errors, url).toEqual([{ field: 'body.url', message: refused.detail }]);
    }
    expect((await call('GET', `/webhooks?user=${user}`)).json()).toHaveLength(before);
    expect((await call('DELETE', '/webhooks/9999999999')).statusCode).toBe(404);
    expect((await call('GET', '/webhooks/abc/deliveries')).statusCode).toBe(400);
  });

  it('answers 503 on create when the API has no SECRET_KEY to seal the secret with', async () => {
    const bare = await buildTestApp(testConfig());
    try {
      const response = await bare.app.inject({ method: 'POST', url: '/api/admin/webhooks', headers: admin, payload: { user, url: 'https://93.184.215.14/x' } });
      expect(response.statusCode).toBe(503);
      expect(response.json().type).toBe('/problems/secret-key-missing');
    } finally {
      await bare.app.close();
      await bare.db.close();
    }
  });

  it('documents every event in the OpenAPI webhooks section, with an example that fits its schema', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(Object.keys(doc.webhooks).sort()).toEqual(['booking.created', 'booking.deleted', 'booking.failed', 'booking.removed', 'clear.completed']);
    const check = Compile(WebhookEvent);
    for (const [type, item] of Object.entries(doc.webhooks) as [string, { post: { parameters: { name: string }[]; requestBody: { content: { 'application/json': { example: { type: string } } } } } }][]) {
      const example = item.post.requestBody.content['application/json'].example;
      expect(example.type).toBe(type);
      expect(check.Check(example), type).toBe(true);
      expect(item.post.parameters.map((p) => p.name)).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
    }
    expect(Object.keys(webhookExamples)).toHaveLength(5);
    // The admin routes carry examples too.
    expect(JSON.stringify(doc.paths['/api/admin/webhooks'].post.requestBody)).toContain('https://kiosk.example.org/roombook');
    expect(JSON.stringify(doc.paths['/api/admin/webhooks'].post.responses['201'])).toContain('whsec_');
  });
});
