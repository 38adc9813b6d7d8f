import { createSecretBox, createUsersRepository, createWebhooksRepository } from '@roombook/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TEST_SECRET_KEY, buildTestApp, testConfig, uniqueName } from './helper.js';

const ADMIN = 'admin-token-for-tests';

/** The console's Webhooks page over HTTP without a browser: messages in place, CSRF, the secret once. */
describe('admin console: webhooks page', () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let user: string;
  let cookie: string;
  let csrf: string;

  const listed = async () =>
    (await ctx.app.inject({ url: `/api/admin/webhooks?user=${user}`, headers: { authorization: `Bearer ${ADMIN}` } })).json() as { id: number; url: string; revokedAt: string | null }[];
  const post = (url: string, fields: [string, string][], withCsrf = true) =>
    ctx.app.inject({
      method: 'POST',
      url,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams([...(withCsrf ? [['_csrf', csrf] as [string, string]] : []), ...fields]).toString(),
    });

  beforeAll(async () => {
    ctx = await buildTestApp(testConfig({ SECRET_KEY: TEST_SECRET_KEY }));
    user = (await createUsersRepository(ctx.db.db).create({ name: uniqueName('hookowner') })).name;
    // Log in as a browser would: the login form's CSRF cookie and token, then the session cookie.
    const form = await ctx.app.inject({ url: '/admin/login', remoteAddress: '10.1.0.1' });
    const loginCsrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const csrfCookie = form.cookies.find((c) => c.name === 'roombook_csrf')!;
    const login = await ctx.app.inject({
      method: 'POST',
      url: '/admin/login',
      remoteAddress: '10.1.0.1',
      headers: { cookie: `roombook_csrf=${csrfCookie.value}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ token: ADMIN, _csrf: loginCsrf }).toString(),
    });
    expect(login.statusCode).toBe(303);
    const session = login.cookies.find((c) => c.name === 'roombook_admin')!;
    cookie = `roombook_admin=${session.value}; roombook_csrf=${csrfCookie.value}`;
    const page = await ctx.app.inject({ url: '/admin/webhooks', headers: { cookie } });
    expect(page.statusCode).toBe(200);
    csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  });
  afterAll(async () => {
    await ctx.app.close();
    await ctx.db.close();
  });

  it('shows each refusal beside its field, keeps what was typed and saves nothing', async () => {
    const cases: { fields: [string, string][]; id: string; message: string | RegExp; status: number }[] = [
      { fields: [['user', user], ['url', 'ftp://93.184.215.14/x']], id: 'hook-url-error', message: 'Only http:// and https:// webhook URLs are supported.', status: 422 },
      { fields: [['user', user], ['url', 'https://u:p@93.184.215.14/x']], id: 'hook-url-error', message: 'A webhook URL must not contain credentials; receivers check the signature instead.', status: 422 },
      { fields: [['user', user], ['url', 'http://10.0.0.7/x']], id: 'hook-url-error', message: /^webhook not saved: /, status: 422 },
      { fields: [['user', user], ['url', 'https://93.184.215.14/x'], ['events', 'booking.created'], ['events', 'booking.moved']], id: 'hook-events-error', message: /./, status: 422 },
    ];
    for (const { fields, id, message, status } of cases) {
      const response = await post('/admin/webhooks', fields);
      expect(response.statusCode, JSON.stringify(fields)).toBe(status);
      const shown = new RegExp(`<p id="${id}" class="error">([^<]+)</p>`).exec(response.body)?.[1];
      expect(shown, JSON.stringify(fields)).toMatch(message instanceof RegExp ? message : new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
      // The typed URL stays in its field, marked invalid when it is the one at fault.
      const url = fields.find(([name]) => name === 'url')![1];
      expect(response.body).toContain(`value="${url}"`);
      if (id === 'hook-url-error') expect(response.body).toMatch(/id="hook-url"[^>]*aria-invalid="true"/);
      // The ticked, known event types stay ticked.
      if (fields.some(([, v]) => v === 'booking.created')) expect(response.body).toMatch(/value="booking\.created" checked/);
      expect(response.body).not.toContain('role="status"');
    }
    expect(await listed()).toEqual([]);
  });

  it('refuses a create or a revoke posted without its CSRF token, and changes nothing', async () => {
    const create = await post('/admin/webhooks', [['user', user], ['url', 'https://93.184.215.14/csrf']], false);
    expect(create.statusCode).toBe(403);
    expect(await listed()).toEqual([]);
    const hook = await createWebhooksRepository(ctx.db.db, createSecretBox(TEST_SECRET_KEY)).create({
      userId: (await createUsersRepository(ctx.db.db).requireUser(user)).id,
      url: 'https://93.184.215.14/kept',
      events: [],
    });
    const revoke = await post(`/admin/webhooks/${hook.id}/revoke`, [], false);
    expect(revoke.statusCode).toBe(403);
    expect((await listed()).find((w) => w.id === hook.id)?.revokedAt).toBeNull();
    // With the token, the same revoke goes through.
    const revoked = await post(`/admin/webhooks/${hook.id}/revoke`, []);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.body).toContain(`Revoked webhook ${hook.id} (https://93.184.215.14/kept).`);
    expect((await listed()).find((w) => w.id === hook.id)?.revokedAt).not.toBeNull();
    // A second revoke is the API's conflict, shown as the page's error.
    const again = await post(`/admin/webhooks/${hook.id}/revoke`, []);
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain(`webhook ${hook.id} is already revoked`);
  });

  it('shows a new secret once, never in the list or on the next visit', async () => {
    const created = await post('/admin/webhooks', [['user', user], ['url', 'https://93.184.215.14/once'], ['events', 'clear.completed']]);
    expect(created.statusCode).toBe(200);
    const secret = /id="new-secret" type="text" readonly value="(whsec_[^"]+)"/.exec(created.body)?.[1];
    expect(secret).toMatch(/^whsec_/);
    const hook = (await listed()).find((w) => w.url === 'https://93.184.215.14/once')!;
    expect(hook).toMatchObject({ revokedAt: null });
    const again = await ctx.app.inject({ url: '/admin/webhooks', headers: { cookie } });
    expect(again.body).toContain('https://93.184.215.14/once');
    expect(again.body).not.toContain(secret!.slice(6));
    const deliveries = await ctx.app.inject({ url: `/admin/webhooks/${hook.id}`, headers: { cookie } });
    expect(deliveries.statusCode).toBe(200);
    expect(deliveries.body).toContain('No deliveries yet.');
    expect(deliveries.body).not.toContain(secret!.slice(6));
    // What the delivering worker records: a refused first attempt, then a delivered retry.
    const repo = createWebhooksRepository(ctx.db.db);
    await repo.recordDelivery({ webhookId: hook.id, messageId: 'msg_console', eventType: 'clear.completed', attempt: 1, statusCode: 503, error: 'receiver answered 503', durationMs: 20 });
    await repo.recordDelivery({ webhookId: hook.id, messageId: 'msg_console', eventType: 'clear.completed', attempt: 2, statusCode: null, error: 'timed out after 10000 ms', durationMs: 10_000 });
    const log = (await ctx.app.inject({ url: `/admin/webhooks/${hook.id}`, headers: { cookie } })).body;
    const rows = [...log.matchAll(/<tr><th scope="row">[^<]+<\/th>((?:<td>[^<]*<\/td>)+)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<td>([^<]*)<\/td>/g)].map((c) => c[1]));
    expect(rows).toEqual([
      ['clear.completed', 'msg_console', '2', 'none', 'timed out after 10000 ms', '10000 ms'],
      ['clear.completed', 'msg_console', '1', '503', 'receiver answered 503', '20 ms'],
    ]);
    expect((await ctx.app.inject({ url: '/admin/webhooks/2147483647', headers: { cookie } })).statusCode).toBe(404);
  });
});
