import { freePort, startSmtpServer, type TestSmtpServer } from '@roombook/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMailer,
  isPermanentSmtpError,
  renderNotification,
  SmtpSendError,
  smtpSettings,
  type Mailer,
  type SmtpSettings,
} from '../src/index.js';
import { testVariables } from './helpers.js';

const user = 'svc-rooms';
const pass = 'correct horse battery staple';

let server: TestSmtpServer | undefined;
let mailer: Mailer | undefined;

afterEach(async () => {
  // Client first: the server waits for open connections when closing.
  mailer?.close();
  mailer = undefined;
  await server?.stop();
  server = undefined;
});

function settingsFor(port: number, starttls: boolean, overrides: Partial<Parameters<typeof smtpSettings>[0]> = {}): SmtpSettings {
  const settings = smtpSettings({
    SMTP_SERVER: '127.0.0.1',
    SMTP_PORT: port,
    SMTP_EMAIL: 'rooms@example.org',
    SMTP_USER_NAME: user,
    SMTP_PASSWORD: pass,
    SMTP_SENDER_NAME: 'Room Booking',
    SMTP_BCC: 'audit@example.org, archive@example.org',
    SMTP_STARTTLS: starttls,
    // The test server's certificate is self-signed.
    SMTP_TLS_REJECT_UNAUTHORIZED: false,
    ...overrides,
  });
  if (!settings) throw new Error('settings expected');
  return { ...settings, timeouts: { connectionMs: 3_000, greetingMs: 3_000, socketMs: 5_000 } };
}

async function sendError(promise: Promise<unknown>): Promise<SmtpSendError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SmtpSendError);
    return error as SmtpSendError;
  }
  throw new Error('expected the send to fail');
}

describe.each([
  { mode: 'STARTTLS', secure: false, starttls: true },
  { mode: 'implicit TLS', secure: true, starttls: false },
])('delivery over $mode with AUTH', ({ secure, starttls }) => {
  it('delivers From name, To, BCC (envelope only), subject, HTML and text', async () => {
    server = await startSmtpServer({ secure, starttls, auth: { user, pass } });
    const settings = settingsFor(server.port, starttls);
    expect(settings.secure).toBe(secure);
    mailer = createMailer(settings);

    const rendered = await renderNotification({
      template: null,
      variables: testVariables({ name: 'Budget <review> & more' }),
      timeZone: 'Europe/Berlin',
    });
    const result = await mailer.send({ to: 'alice@example.org', ...rendered });
    expect(result.messageId).toMatch(/^<.+@.+>$/);
    expect(result.accepted).toEqual(['alice@example.org', 'audit@example.org', 'archive@example.org']);

    const [mail] = await server.waitForMessages(1);
    expect(mail).toBeDefined();
    if (!mail) return;
    expect(mail.secureSession).toBe(true);
    expect(mail.authUser).toBe(user);
    expect(mail.envelope.from).toBe('rooms@example.org');
    expect(mail.envelope.to).toEqual(['alice@example.org', 'audit@example.org', 'archive@example.org']);
    expect(mail.from?.value).toEqual([{ name: 'Room Booking', address: 'rooms@example.org' }]);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value : undefined).toEqual([{ name: '', address: 'alice@example.org' }]);
    // BCC recipients get the mail but no header shows them.
    expect(mail.bcc).toBeUndefined();
    expect(mail.headers.has('bcc')).toBe(false);
    expect(mail.messageId).toBe(result.messageId);
    expect(mail.subject).toBe('Booking removed: Budget <review> & more – Sun, 30 Mar 2025, 01:30 (Room 4.01)');
    expect(mail.html).toContain('Budget &lt;review&gt; &amp; more');
    expect(mail.html).not.toContain('<review>');
    expect(mail.text).toContain('Event: Budget <review> & more');
    expect(mail.text).toContain('When: Sun, 30 Mar 2025, 01:30 – 03:30 (Europe/Berlin)');
  });
});

describe('failures', () => {
  it('a 550 for the recipient is permanent', async () => {
    server = await startSmtpServer({ secure: false, starttls: true, auth: { user, pass }, rejectRecipients: true });
    mailer = createMailer(settingsFor(server.port, true, { SMTP_BCC: '' }));
    const error = await sendError(mailer.send({ to: 'nobody@example.org', subject: 's', html: '<p>x</p>', text: 'x' }));
    expect(error.responseCode).toBe(550);
    expect(isPermanentSmtpError(error)).toBe(true);
    expect(server.messages).toHaveLength(0);
  });

  it('wrong credentials are permanent (535) and the password appears nowhere in the error', async () => {
    server = await startSmtpServer({ secure: true, auth: { user, pass: 'something else' } });
    mailer = createMailer(settingsFor(server.port, false));
    const error = await sendError(mailer.send({ to: 'alice@example.org', subject: 's', html: '<p>x</p>', text: 'x' }));
    expect(error.responseCode).toBe(535);
    expect(error.code).toBe('EAUTH');
    expect(isPermanentSmtpError(error)).toBe(true);
    const everything = `${error.message} ${error.stack ?? ''} ${JSON.stringify(error)} ${error.response ?? ''} ${error.command ?? ''}`;
    expect(everything).not.toContain(pass);
    expect(everything).not.toContain(Buffer.from(pass).toString('base64'));
    expect(everything).not.toContain(Buffer.from(`\u0000${user}\u0000${pass}`).toString('base64'));
  });

  it('a closed port is transient', async () => {
    const port = await freePort();
    mailer = createMailer(settingsFor(port, true));
    const error = await sendError(mailer.send({ to: 'alice@example.org', subject: 's', html: '<p>x</p>', text: 'x' }));
    expect(error.responseCode).toBeUndefined();
    expect(isPermanentSmtpError(error)).toBe(false);
  });

  it('an unverifiable certificate is refused when verification is on (transient: an admin can fix it)', async () => {
    server = await startSmtpServer({ secure: true, auth: { user, pass } });
    mailer = createMailer(settingsFor(server.port, false, { SMTP_TLS_REJECT_UNAUTHORIZED: true }));
    const error = await sendError(mailer.send({ to: 'alice@example.org', subject: 's', html: '<p>x</p>', text: 'x' }));
    expect(error.message).toMatch(/self[- ]signed/i);
    expect(isPermanentSmtpError(error)).toBe(false);
    expect(server.messages).toHaveLength(0);
  });

  it('classifies reply codes', () => {
    expect(isPermanentSmtpError({ responseCode: 552 })).toBe(true);
    expect(isPermanentSmtpError({ responseCode: 451, code: 'EENVELOPE' })).toBe(false);
    expect(isPermanentSmtpError({ responseCode: 421 })).toBe(false);
    expect(isPermanentSmtpError({ code: 'ETIMEDOUT' })).toBe(false);
    expect(isPermanentSmtpError({ code: 'EENVELOPE' })).toBe(true);
    expect(isPermanentSmtpError(new Error('boom'))).toBe(false);
    expect(isPermanentSmtpError(null)).toBe(false);
  });
});
