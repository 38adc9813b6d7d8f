import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildTestApp } from './helper.js';

const ADMIN = 'admin-token-for-tests';

/** The console's login, session cookie, CSRF check and rate limit, over HTTP without a browser. */
describe('admin console session', () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  beforeAll(async () => {
    ctx = await buildTestApp();
  });
  afterAll(async () => {
    await ctx.app.close();
    await ctx.db.close();
  });

  /** The login form's CSRF token and cookie, as a browser would get them. */
  const loginForm = async (ip: string) => {
    const form = await ctx.app.inject({ method: 'GET', url: '/admin/login', remoteAddress: ip });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const cookie = form.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    return { csrf, cookie };
  };
  const login = async (ip: string, token: string, csrf?: string) => {
    const form = await loginForm(ip);
    return ctx.app.inject({
      method: 'POST',
      url: '/admin/login',
      remoteAddress: ip,
      headers: { cookie: form.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ token, ...(csrf === undefined ? { _csrf: form.csrf } : csrf === '' ? {} : { _csrf: csrf }) }).toString(),
    });
  };

  it('sends every page but the login form to the login form', async () => {
    const page = await ctx.app.inject({ method: 'GET', url: '/admin/users' });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/admin/login');
  });

  it('answers a wrong token with the same page and a message, a right one with a signed, HttpOnly, SameSite=Strict cookie that expires', async () => {
    const wrong = await login('10.0.0.1', 'nope');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('That is not the admin token.');
    expect(wrong.cookies.find((c) => c.name === 'roombook_admin')).toBeUndefined();
    const right = await login('10.0.0.1', ADMIN);
    expect(right.statusCode).toBe(303);
    const session = right.cookies.find((c) => c.name === 'roombook_admin')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(session.expires!.getTime()).toBeGreaterThan(Date.now());
    expect(session.expires!.getTime()).toBeLessThanOrEqual(Date.now() + 8 * 3600_000);
    const page = await ctx.app.inject({ method: 'GET', url: '/admin/users', headers: { cookie: `roombook_admin=${session.value}` } });
    expect(page.statusCode).toBe(200);
    // A forged (unsigned) value is no session.
    const forged = await ctx.app.inject({ method: 'GET', url: '/admin/users', headers: { cookie: `roombook_admin=${Date.now() + 3600_000}` } });
    expect(forged.statusCode).toBe(303);
    // The session also opens the admin API, but a write through it needs the CSRF token.
    const read = await ctx.app.inject({ method: 'GET', url: '/api/admin/users', headers: { cookie: `roombook_admin=${session.value}` } });
    expect(read.statusCode).toBe(200);
    const write = await ctx.app.inject({ method: 'POST', url: '/api/admin/users', headers: { cookie: `roombook_admin=${session.value}` }, payload: { name: 'csrf-victim' } });
    expect(write.statusCode).toBe(403);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/admin/users', headers: { authorization: `Bearer ${ADMIN}` } })).json().map((u: { name: string }) => u.name)).not.toContain('csrf-victim');
  });

  it('refuses a form posted without its CSRF token, even with the right admin token', async () => {
    const response = await login('10.0.0.2', ADMIN, '');
    expect(response.statusCode).toBe(403);
    expect(response.cookies.find((c) => c.name === 'roombook_admin')).toBeUndefined();
  });

  it('rate-limits login attempts per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await login('10.0.0.3', `guess-${i}`)).statusCode);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses[10]).toBe(429);
    // Even the right token waits now; another address is not affected.
    expect((await login('10.0.0.3', ADMIN)).statusCode).toBe(429);
    expect((await login('10.0.0.4', ADMIN)).statusCode).toBe(303);
  });

  it('logs out: the cookie is cleared', async () => {
    const session = (await login('10.0.0.5', ADMIN)).cookies.find((c) => c.name === 'roombook_admin')!;
    const page = await ctx.app.inject({ method: 'GET', url: '/admin', headers: { cookie: `roombook_admin=${session.value}` } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const csrfCookie = page.cookies.find((c) => c.name === 'roombook_csrf')!;
    const out = await ctx.app.inject({
      method: 'POST',
      url: '/admin/logout',
      headers: { cookie: `roombook_admin=${session.value}; roombook_csrf=${csrfCookie.value}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(csrf)}`,
    });
    expect(out.statusCode).toBe(303);
    expect(out.cookies.find((c) => c.name === 'roombook_admin')?.value).toBe('');
  });
});
