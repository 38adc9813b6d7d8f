import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { getObject, launchChromium, makeCalendar, putObject, uniqueName } from '@roombook/testing';
import type { RunningWorkers } from '@roombook/worker';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { TEST_SECRET_KEY, buildTestApp, startTestWorkers, testConfig } from './helper.js';
import { day, event } from './ics.js';

/** Screenshots of every page, kept as test artefacts (git-ignored). */
const ARTEFACTS = fileURLToPath(new URL('../test-artifacts/console/', import.meta.url));
const ADMIN = 'admin-token-for-tests';

describe('admin console in Chromium', { timeout: 180_000 }, () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let workers: RunningWorkers;
  let chromium: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;
  let base: string;
  const [rooms] = inject('radicaleUsers');
  const slug = uniqueName('room');
  const userName = uniqueName('carol');
  let collection: string;
  let loserHref: string;

  // Generous: the whole suite runs beside this on two busy cores.
  const T = { timeout: 60_000, interval: 100 };
  const shot = (name: string) => page.screenshot({ path: `${ARTEFACTS}${name}.png`, fullPage: true });
  const goto = async (path: string) => {
    const response = await page.goto(`${base}${path}`);
    expect(response?.status()).toBe(200);
  };

  beforeAll(async () => {
    await mkdir(ARTEFACTS, { recursive: true });
    ctx = await buildTestApp(testConfig({ SECRET_KEY: TEST_SECRET_KEY }));
    base = await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    workers = await startTestWorkers(ctx.config);
    collection = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('console'));
    // Two overlapping bookings: the later one loses a clear.
    await putObject(collection, rooms!, 'finance.ics', event({ uid: `finance-${slug}`, summary: 'Finance Monthly', date: day(2), from: '1000', to: '1200', created: '20260101T080000Z', extra: ['ORGANIZER:mailto:finance@example.org'] }));
    loserHref = await putObject(collection, rooms!, 'fundraising.ics', event({ uid: `fundraising-${slug}`, summary: 'Fundraising', date: day(2), from: '1100', to: '1300', created: '20260301T080000Z', extra: ['ORGANIZER:mailto:fundraising@example.org'] }));
    // Phone width: every page must work at 390 px.
    chromium = await launchChromium({ viewport: { width: 390, height: 844 } });
    page = await chromium.context.newPage();
    // Fail an action well within the test's own timeout, so the report names the step.
    page.setDefaultTimeout(30_000);
  });

  afterAll(async () => {
    await chromium?.close();
    await workers?.close();
    await ctx?.app.close();
    await ctx?.db.close();
  });

  it('refuses a wrong token on the login page, then logs in with a session cookie', async () => {
    await page.goto(`${base}/admin`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await page.getByLabel('Admin token').fill('not-the-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').innerText(), T).toBe('That is not the admin token.');
    await shot('login-refused');
    await page.getByLabel('Admin token').fill(ADMIN);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${base}/admin`);
    const session = (await page.context().cookies()).find((c) => c.name === 'roombook_admin');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(session!.expires).toBeGreaterThan(Date.now() / 1000);
    expect(await page.getByRole('link', { name: 'Queues (Bull Board)' }).getAttribute('href')).toBe('/admin/queues/');
    await shot('dashboard-empty');
  });

  it('creates a user and a key whose token appears once', async () => {
    await goto('/admin/users');
    await page.getByLabel('Name', { exact: true }).fill(userName);
    await page.getByLabel('E-mail (optional)').fill('carol@example.org');
    await page.getByRole('button', { name: 'Create user' }).click();
    await expect.poll(() => page.getByRole('status').innerText(), T).toBe(`Created user ${userName}.`);
    await page.getByLabel('User', { exact: true }).selectOption(userName);
    await page.getByLabel('Label (optional)').fill('booking tool');
    await page.getByRole('button', { name: 'Create key' }).click();
    const token = await page.getByTestId('new-token').inputValue();
    expect(token).toMatch(/^rbk_/);
    await shot('users-key-created');
    // The key works against the booking API, and the page never shows the token again.
    const calendars = await fetch(`${base}/api/calendars`, { headers: { authorization: `Bearer ${token}` } });
    expect(calendars.status).toBe(200);
    await goto('/admin/users');
    expect(await page.content()).not.toContain(token);
  });

  it('creates a webhook whose secret appears once, lists it with its deliveries, and revokes it after a confirm', async () => {
    // Revoked at the end of this test, before anything happens that would send it an event.
    const hookUrl = `https://93.184.215.14/roombook/${slug}`;
    await goto('/admin/webhooks');
    await page.getByLabel('User', { exact: true }).selectOption(userName);
    await page.getByLabel('URL', { exact: true }).fill(`ftp://93.184.215.14/roombook/${slug}`);
    await page.getByLabel('booking.created').check();
    await page.getByLabel('booking.removed').check();
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await expect.poll(() => page.locator('#hook-url-error').innerText(), T).toBe('Only http:// and https:// webhook URLs are supported.');
    expect(await page.getByLabel('URL', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('booking.created').isChecked()).toBe(true);
    expect(await page.getByLabel('clear.completed').isChecked()).toBe(false);
    await shot('webhooks-invalid');
    await page.getByLabel('URL', { exact: true }).fill(hookUrl);
    await page.getByRole('button', { name: 'Create webhook' }).click();
    const secret = await page.getByTestId('new-secret').inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const row = page.getByRole('row', { name: new RegExp(hookUrl.replace(/[.]/g, '\\.')) });
    await expect.poll(() => row.innerText(), T).toContain('booking.created, booking.removed');
    expect(await row.innerText()).toContain(userName);
    await shot('webhook-created');
    // A fresh visit lists it, and the secret is gone for good.
    await goto('/admin/webhooks');
    expect(await page.content()).not.toContain(secret.slice(6));
    const id = await row.getByRole('link').innerText();
    await row.getByRole('link', { name: `Deliveries of webhook ${id}` }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText(), T).toBe(`Deliveries of webhook ${id}`);
    expect(await page.getByTestId('deliveries').innerText()).toContain('No deliveries yet.');
    await shot('webhook-deliveries');
    await page.getByRole('link', { name: 'All webhooks' }).click();
    // Dismissing the confirm sends nothing; accepting it revokes.
    const asked: string[] = [];
    page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    });
    await page.getByRole('button', { name: `Revoke webhook ${id}` }).click();
    await expect.poll(() => asked, T).toEqual([`Revoke webhook ${id}? Nothing more is sent to it, queued retries included.`]);
    expect(await row.innerText()).not.toContain('revoked');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: `Revoke webhook ${id}` }).click();
    await expect.poll(() => page.getByRole('status').innerText(), T).toBe(`Revoked webhook ${id} (${hookUrl}).`);
    await expect.poll(() => row.innerText(), T).toContain('revoked');
    await shot('webhook-revoked');
  });

  it('shows validation messages in place, then adds a calendar on the test Radicale without showing its password back', async () => {
    await goto('/admin/calendars');
    await page.getByLabel('Slug').fill('Not A Slug');
    await page.getByLabel('CalDAV collection URL').fill(collection);
    await page.getByLabel('CalDAV user name').fill(rooms!.username);
    await page.getByLabel('CalDAV password').fill(rooms!.password);
    await page.getByLabel('Time zone').fill('Mars/Olympus');
    await page.getByRole('button', { name: 'Add calendar' }).click();
    await expect.poll(() => page.locator('#cal-slug-error').innerText(), T).toContain('slug');
    expect(await page.getByLabel('CalDAV password').inputValue()).toBe('');
    expect(await page.content()).not.toContain(rooms!.password);
    await shot('calendars-invalid');
    // The schema's checks first, then the service's rules (the ones the CLI applies).
    await page.getByLabel('Slug').fill(slug);
    await page.getByLabel('CalDAV password').fill(rooms!.password);
    await page.getByRole('button', { name: 'Add calendar' }).click();
    await expect.poll(() => page.locator('#cal-timeZone-error').innerText(), T).toBe('Unknown IANA time zone; expected e.g. Europe/Berlin or UTC.');
    expect(await page.getByLabel('Slug').inputValue()).toBe(slug);
    await page.getByLabel('CalDAV password').fill(rooms!.password);
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    await page.getByRole('button', { name: 'Add calendar' }).click();
    await expect.poll(() => page.getByRole('status').innerText(), T).toBe(`Added calendar ${slug}.`);
    await page.getByRole('link', { name: slug, exact: true }).click();
    await page.getByRole('button', { name: 'Test the CalDAV connection' }).click();
    await expect.poll(() => page.getByRole('status').innerText(), T).toContain('Connection works');
    expect(await page.content()).not.toContain(rooms!.password);
    await shot('calendar-edit');
  });

  it('sets booking rules and room attributes in the calendar form, with messages in place', async () => {
    await goto(`/admin/calendars/${slug}`);
    await page.getByLabel('Capacity (people)').fill('12');
    await page.getByLabel('Features').fill('projector, Video Conf');
    await page.getByLabel('Location').fill('Building B, 2nd floor');
    await page.getByLabel('Clashing bookings').selectOption('allow');
    await page.getByLabel('Longest booking (minutes)').fill('240');
    await page.getByLabel('Opening hours').fill('Mon-Fri 07:00-25:00');
    await page.getByRole('button', { name: 'Save' }).click();
    // The schema names the bad feature first; the form keeps what was typed.
    await expect.poll(() => page.locator('#cal-features-error').innerText(), T).toContain('a feature name');
    expect(await page.getByLabel('Features').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Location').inputValue()).toBe('Building B, 2nd floor');
    await shot('calendar-rules-invalid');
    await page.getByLabel('Features').fill('projector, video-conf');
    await page.getByRole('button', { name: 'Save' }).click();
    // Then the service's rule for opening hours, beside its field.
    await expect.poll(() => page.locator('#cal-openingHours-error').innerText(), T).toMatch(/^opening hours: /);
    await page.getByLabel('Opening hours').fill('Mon-Fri 07:00-20:00');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('status').innerText(), T).toBe('Saved.');
    // Saved: a fresh page shows it, and so does the admin API.
    await goto(`/admin/calendars/${slug}`);
    expect(await page.getByLabel('Capacity (people)').inputValue()).toBe('12');
    expect(await page.getByLabel('Features').inputValue()).toBe('projector, video-conf');
    expect(await page.getByLabel('Opening hours').inputValue()).toBe('Mon-Fri 07:00-20:00');
    expect(await page.getByLabel('Clashing bookings').inputValue()).toBe('allow');
    expect(await page.getByLabel('CalDAV password').inputValue()).toBe('');
    const saved = (await (await fetch(`${base}/api/admin/calendars`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as { slug: string }[];
    expect(saved.find((c) => c.slug === slug)).toMatchObject({
      capacity: 12, features: ['projector', 'video-conf'], location: 'Building B, 2nd floor', conflictPolicy: 'allow', maxMinutes: 240, openingHours: 'Mon-Fri 07:00-20:00',
    });
    await shot('calendar-rules-saved');
    // Back to the default policy: the clear below must find the two bookings as they are.
    await page.getByLabel('Clashing bookings').selectOption('reject');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('status').innerText(), T).toBe('Saved.');
  });

  it("shows each room's calendar sync on the dashboard", async () => {
    await goto('/admin');
    const syncCell = () => page.getByRole('row', { name: new RegExp(slug) }).locator('td.sync').innerText();
    await expect.poll(syncCell, T).toBe('not synced yet');
    // What the worker's refresh records when the server fails (issue 12).
    const sql = ctx.db.db.$client;
    await sql`update calendars set mirror_refreshed_at = ${new Date(Date.now() - 3600_000).toISOString()}, mirror_failed_at = ${new Date(Date.now() - 120_000).toISOString()}, mirror_error = 'CalDAV: 503 Service Unavailable' where slug = ${slug}`;
    await goto('/admin');
    await expect.poll(syncCell, T).toBe('last sync failed 2 minutes ago: CalDAV: 503 Service Unavailable (last good sync 1 hour ago)');
    await shot('dashboard-sync-failed');
    await sql`update calendars set mirror_refreshed_at = ${new Date().toISOString()} where slug = ${slug}`;
    await goto('/admin');
    await expect.poll(syncCell, T).toBe('synced just now');
  });

  it('grants the calendar to the user', async () => {
    await goto('/admin/grants');
    await page.getByLabel('Calendar', { exact: true }).selectOption(slug);
    await page.getByLabel('User', { exact: true }).selectOption(userName);
    await page.getByRole('button', { name: 'Grant' }).click();
    await expect.poll(() => page.getByRole('status').innerText(), T).toBe(`${userName} may now book ${slug}.`);
    await page.getByRole('row', { name: new RegExp(`${slug}.*${userName}`) }).waitFor({ state: 'visible' });
    await shot('grants');
  });

  it('runs a dry-run clear and shows who loses, to whom and why', async () => {
    await goto('/admin/clear');
    await page.getByLabel('Calendar', { exact: true }).selectOption(slug);
    expect(await page.getByLabel('Dry run: show what would happen, change nothing').isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => page.getByTestId('job-state').innerText(), T).toBe('completed');
    const row = page.getByTestId('clear-report').getByRole('row', { name: /^Fundraising fundraising@example\.org/ }).first();
    await expect.poll(() => row.innerText(), T).toContain('fundraising@example.org');
    await expect.poll(() => row.innerText(), T).toContain('Finance Monthly');
    await expect.poll(() => row.innerText(), T).toContain('planned');
    await shot('clear-dry-run');
    expect(await getObject(loserHref, rooms!)).toContain('Fundraising');
  });

  it('edits a template and the preview follows the text', async () => {
    await goto('/admin/templates');
    const subject = page.getByTestId('preview-subject');
    await expect.poll(() => subject.innerText(), T).not.toBe('');
    await page.getByLabel('Subject (Liquid)').fill('Room lost: {{ name }} in {{ calendar_name }}');
    await expect.poll(() => subject.innerText(), T).toMatch(/^Room lost: .+ in .+$/);
    await page.getByLabel('Body (Liquid + MJML)').fill('<mjml>\n<mj-body>\n<mj-txt>oops</mj-txt>\n</mj-body>\n</mjml>');
    await expect.poll(() => page.getByTestId('preview-error').innerText(), T).toContain('body, line 3');
    await shot('template-error');
    await page.getByLabel('Body (Liquid + MJML)').fill('<mjml><mj-body><mj-section><mj-column><mj-text>Hello {{ organizer }}</mj-text></mj-column></mj-section></mj-body></mjml>');
    await page.frameLocator('iframe[title="Rendered mail"]').getByText(/^Hello /).waitFor({ state: 'visible' });
    await page.getByLabel('Name').fill('lost-room');
    await page.getByRole('button', { name: 'Save template' }).click();
    await expect.poll(() => page.getByRole('status').innerText(), T).toBe('Saved template lost-room.');
    await shot('template-saved');
  });

  it('restores an audit entry the live clear wrote', async () => {
    // A live clear (through the console) deletes the loser and records its text.
    await goto('/admin/clear');
    await page.getByLabel('Calendar', { exact: true }).selectOption(slug);
    await page.getByLabel('Dry run: show what would happen, change nothing').uncheck();
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => page.getByTestId('job-state').innerText(), T).toBe('completed');
    await expect.poll(() => page.getByTestId('clear-report').getByRole('row', { name: /^Fundraising fundraising@example\.org/ }).first().innerText(), T).toContain('applied');
    expect(await getObject(loserHref, rooms!)).toBeUndefined();

    await goto('/admin/audit');
    await page.getByLabel('Calendar', { exact: true }).selectOption(slug);
    await page.getByRole('button', { name: 'Filter' }).click();
    const entry = page.getByRole('row', { name: new RegExp(`fundraising-${slug}`) });
    await expect.poll(() => entry.innerText(), T).toContain('deleted');
    await shot('audit');
    await entry.getByRole('button', { name: /^Restore entry/ }).click();
    await expect.poll(() => page.getByRole('status').innerText(), T).toContain(`Restored fundraising-${slug} (recreated)`);
    expect(await getObject(loserHref, rooms!)).toContain('Fundraising');
    await shot('audit-restored');

    await goto('/admin');
    await expect.poll(() => page.getByRole('row', { name: new RegExp(slug) }).innerText(), T).toContain('UTC');
    await shot('dashboard');
    await goto('/admin/tokens');
    await shot('tokens');
  });

  it('logs out', async () => {
    await goto('/admin');
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${base}/admin/login`);
    await page.goto(`${base}/admin/users`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
  });
});
