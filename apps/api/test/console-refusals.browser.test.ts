import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { launchChromium, uniqueName } from '@roombook/testing';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TEST_SECRET_KEY, buildTestApp, seedUser, testConfig, type Fixture } from './helper.js';

/** Screenshots of the refusals, kept as test artefacts (git-ignored) beside the console test's. */
const ARTEFACTS = fileURLToPath(new URL('../test-artifacts/console/', import.meta.url));
const ADMIN = 'admin-token-for-tests';
// Generous: other work shares the two cores with this.
const T = { timeout: 60_000, interval: 100 };

/**
 * An app and a phone-sized Chromium of its own, logged in to the console. Each app gets its own
 * browser: its profile holds cookies by host, not port, so two apps on 127.0.0.1 would share them.
 */
function consoleSession(secretKey: string | undefined) {
  const s = {} as {
    ctx: Awaited<ReturnType<typeof buildTestApp>>;
    chromium: { context: BrowserContext; close: () => Promise<void> };
    page: Page;
    base: string;
  };
  beforeAll(async () => {
    await mkdir(ARTEFACTS, { recursive: true });
    s.ctx = await buildTestApp(testConfig(secretKey === undefined ? {} : { SECRET_KEY: secretKey }));
    s.base = await s.ctx.app.listen({ host: '127.0.0.1', port: 0 });
    s.chromium = await launchChromium({ viewport: { width: 390, height: 844 } });
    s.page = await s.chromium.context.newPage();
    // Fail an action well within the test's own timeout, so the report names the step.
    s.page.setDefaultTimeout(30_000);
    await s.page.goto(`${s.base}/admin/login`);
    await s.page.getByLabel('Admin token').fill(ADMIN);
    await s.page.getByRole('button', { name: 'Log in' }).click();
    await s.page.waitForURL(`${s.base}/admin`);
  });
  afterAll(async () => {
    await s.chromium?.close();
    await s.ctx?.app.close();
    await s.ctx?.db.close();
  });
  return s;
}

describe('console refusals in Chromium: a calendar still in use', { timeout: 180_000 }, () => {
  const s = consoleSession(TEST_SECRET_KEY);
  let seeded: Fixture;
  const rows = async (slug: string) => (await s.ctx.db.db.$client`select id from calendars where slug = ${slug}`).length;
  const grants = async (id: number) => (await s.ctx.db.db.$client`select 1 from calendar_users where calendar_id = ${id}`).length;

  beforeAll(async () => {
    // A calendar a user is granted; nothing here contacts its (unreachable) CalDAV URL.
    seeded = await seedUser(s.ctx.db);
  });

  it('names what still uses the calendar in the page, changes nothing, and deletes it all when told to', async () => {
    const { page, base } = s;
    const { slug } = seeded.calendar;
    await page.goto(`${base}/admin/calendars/${slug}`);
    const force = page.getByLabel('Also delete its grants, priority tokens and audit entries');
    expect(await force.isChecked()).toBe(false);
    await page.getByRole('button', { name: 'Remove from roombook (the CalDAV collection stays)' }).click();

    // The console's own page with the refusal on it, not the API's problem document.
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.innerText(), T).toContain(`calendar "${slug}" is still in use`);
    expect(await alert.innerText()).toContain(`1 user may book it (${seeded.user.name})`);
    expect(await alert.innerText()).toContain('Nothing was changed');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`Calendar ${slug}`);
    expect(await page.content()).not.toContain('/problems/has-dependents');
    // It offers to go ahead anyway: the same form, with the box that takes the dependents along.
    expect(await force.isVisible()).toBe(true);
    expect(await force.isChecked()).toBe(false);
    await shot(page, 'calendar-delete-refused');
    expect(await rows(slug)).toBe(1);
    expect(await grants(seeded.calendar.id)).toBe(1);

    await force.check();
    await page.getByRole('button', { name: 'Remove from roombook (the CalDAV collection stays)' }).click();
    await expect.poll(() => page.getByRole('status').innerText(), T).toBe(`Removed calendar ${slug}.`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Calendars');
    expect(await page.getByRole('link', { name: slug, exact: true }).count()).toBe(0);
    await shot(page, 'calendar-delete-forced');
    // A fresh visit agrees, and so does the database: the row and its grant are gone.
    await page.goto(`${base}/admin/calendars`);
    expect(await page.getByRole('link', { name: slug, exact: true }).count()).toBe(0);
    expect(await rows(slug)).toBe(0);
    expect(await grants(seeded.calendar.id)).toBe(0);
  });
});

describe('console refusals in Chromium: an API without SECRET_KEY', { timeout: 180_000 }, () => {
  const s = consoleSession(undefined);
  const slug = uniqueName('room');
  const password = `pw-${uniqueName('secret')}`;

  it('shows that the key is missing in place, keeps the form but not the password, and stores nothing', async () => {
    const { page, base } = s;
    await page.goto(`${base}/admin/calendars`);
    await page.getByLabel('Slug').fill(slug);
    await page.getByLabel('Display name').fill('Board room');
    // Never contacted: the service asks for the key before it asks the server.
    await page.getByLabel('CalDAV collection URL').fill('https://dav.example.org/rooms/board/');
    await page.getByLabel('CalDAV user name').fill('rooms');
    await page.getByLabel('CalDAV password').fill(password);
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    await page.getByRole('button', { name: 'Add calendar' }).click();

    const alert = page.getByRole('alert');
    await expect.poll(() => alert.innerText(), T).toContain('needs SECRET_KEY');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Calendars');
    expect(await page.content()).not.toContain('/problems/secret-key-missing');
    // What was typed stays, the password excepted, which is not even in the page's source.
    expect(await page.getByLabel('Slug').inputValue()).toBe(slug);
    expect(await page.getByLabel('Display name').inputValue()).toBe('Board room');
    expect(await page.getByLabel('CalDAV collection URL').inputValue()).toBe('https://dav.example.org/rooms/board/');
    expect(await page.getByLabel('CalDAV user name').inputValue()).toBe('rooms');
    expect(await page.getByLabel('Time zone').inputValue()).toBe('Europe/Berlin');
    expect(await page.getByLabel('CalDAV password').inputValue()).toBe('');
    expect(await page.content()).not.toContain(password);
    await shot(page, 'calendar-add-no-secret-key');

    expect(await page.getByRole('link', { name: slug, exact: true }).count()).toBe(0);
    expect((await s.ctx.db.db.$client`select 1 from calendars where slug = ${slug}`).length).toBe(0);
  });
});

function shot(page: Page, name: string) {
  return page.screenshot({ path: `${ARTEFACTS}${name}.png`, fullPage: true });
}
