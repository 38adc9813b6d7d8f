import nodemailer from 'nodemailer';
import type { SmtpSettings } from './smtp-settings.js';

/** One rendered notification to one organizer. */
export interface OutgoingMail {
  to: string;
  subject: string;
  html: string;
  text: string;
  /**
   * Makes the Message-ID `<key@sender's domain>`, so that a mail sent again after a crash (SMTP has
   * no idempotency: a worker can die after the server accepted the message and before the job
   * recorded it) is the same message, which mail clients show once. Random when absent.
   */
  messageKey?: string;
}

export interface SendResult {
  messageId: string;
  /** Envelope recipients the server accepted (To and BCC). */
  accepted: string[];
}

export interface Mailer {
  send(message: OutgoingMail): Promise<SendResult>;
  /** Connects and logs in once without sending, so a wrong host, port, TLS mode or password shows at start. */
  verify(): Promise<void>;
  /** Closes pooled connections; call on shutdown (an open socket keeps the process alive). */
  close(): void;
}

const NOT_ATEXT = /[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]/g;

/** `<key@domain>`, the key reduced to characters a Message-ID's left part may hold (RFC 5322 dot-atom). */
export function messageIdOf(key: string, sender: string): string {
  const domain = sender.includes('@') ? sender.slice(sender.lastIndexOf('@') + 1) : 'localhost';
  const local = key.replace(NOT_ATEXT, '-').replace(/^\.+|\.+$/g, '').replace(/\.{2,}/g, '.');
  return `<${local}@${domain}>`;
}

/**
 * A send failure with the SMTP details the worker needs to decide on retries
 * ({@link isPermanentSmtpError}) and a message that never contains the password.
 */
export class SmtpSendError extends Error {
  override readonly name = 'SmtpSendError';
  /** nodemailer's error code, e.g. `EAUTH`, `EENVELOPE`, `ESOCKET`, `ETIMEDOUT`. */
  readonly code: string | undefined;
  /** SMTP reply code, e.g. 550, 451, 535, when the server answered. */
  readonly responseCode: number | undefined;
  /** The server's reply line. */
  readonly response: string | undefined;
  /** The SMTP command that failed (`RCPT TO`, `AUTH PLAIN`, `CONN`, ...). */
  readonly command: string | undefined;

  constructor(message: string, details: { code?: string; responseCode?: number; response?: string; command?: string }) {
    super(message);
    this.code = details.code;
    this.responseCode = details.responseCode;
    this.response = details.response;
    this.command = details.command;
  }
}

/**
 * Sends notifications through the SMTP server from {@link smtpSettings}, which reads
 * `SMTP_SERVER, SMTP_PORT, SMTP_STARTTLS, SMTP_EMAIL, SMTP_SENDER_NAME, SMTP_USER_NAME,
 * SMTP_PASSWORD, SMTP_BCC, SMTP_TLS_REJECT_UNAUTHORIZED`.
 *
 * Uses a small connection pool (the worker sends bursts after a clear) with connection, greeting
 * and socket timeouts, so a dead server fails a job quickly and the `mail` queue retries it. Every
 * message goes From `"SMTP_SENDER_NAME" <SMTP_EMAIL>` with the SMTP_BCC addresses as BCC (envelope
 * only; nodemailer leaves no Bcc header). Errors are {@link SmtpSendError}s.
 */
export function createMailer(settings: SmtpSettings): Mailer {
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: 2,
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: settings.requireTLS,
    ...(settings.auth ? { auth: { user: settings.auth.user, pass: settings.auth.pass } } : {}),
    tls: { rejectUnauthorized: settings.rejectUnauthorized, minVersion: 'TLSv1.2' },
    connectionTimeout: settings.timeouts.connectionMs,
    greetingTimeout: settings.timeouts.greetingMs,
    socketTimeout: settings.timeouts.socketMs,
    // Messages are strings we rendered; never let one pull in a file or URL.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
    debug: false,
  });
  const from = settings.from.name ? { name: settings.from.name, address: settings.from.address } : settings.from.address;
  const secrets = settings.auth ? secretForms(settings.auth.user, settings.auth.pass) : [];

  return {
    async send(message) {
      try {
        const info = await transport.sendMail({
          from,
          to: message.to,
          ...(settings.bcc.length > 0 ? { bcc: settings.bcc } : {}),
          subject: message.subject,
          html: message.html,
          text: message.text,
          ...(message.messageKey !== undefined && { messageId: messageIdOf(message.messageKey, settings.from.address) }),
        });
        return {
          messageId: info.messageId,
          accepted: [...info.accepted],
        };
      } catch (error) {
        throw toSendError(error, secrets);
      }
    },
    async verify() {
      try {
        await transport.verify();
      } catch (error) {
        throw toSendError(error, secrets);
      }
    },
    close() {
      transport.close();
    },
  };
}

/** The password as it could appear on the wire: plain, and base64 for AUTH LOGIN / AUTH PLAIN. */
function secretForms(user: string, pass: string): string[] {
  if (pass === '') return [];
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  return [pass, b64(pass), b64(`\u0000${user}\u0000${pass}`), b64(`${user}\u0000${user}\u0000${pass}`)];
}

function redact(text: string, secrets: string[]): string {
  return secrets.reduce((acc, secret) => acc.split(secret).join('***'), text);
}

function toSendError(error: unknown, secrets: string[]): SmtpSendError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? redact(v, secrets) : undefined);
  const message = str(e.message) ?? redact(String(error), secrets);
  const details: { code?: string; responseCode?: number; response?: string; command?: string } = {};
  const code = str(e.code);
  if (code !== undefined) details.code = code;
  if (typeof e.responseCode === 'number') details.responseCode = e.responseCode;
  const response = str(e.response);
  if (response !== undefined) details.response = response;
  const command = str(e.command);
  if (command !== undefined) details.command = command;
  // No `cause`: the original error object is not ours to vouch for; the fields above are what
  // a log line and the retry decision need.
  return new SmtpSendError(message, details);
}

/** nodemailer codes for a message/envelope the server can never take, whatever the reply. */
const permanentCodes = new Set(['EENVELOPE', 'EMESSAGE', 'EMAXRECIPIENTS', 'EFILEACCESS', 'EURLACCESS', 'ECONFIG']);

/**
 * Whether retrying a failed send is pointless:
 * - an SMTP 5xx reply (550 unknown recipient, 535 bad credentials, 552 too big, ...) -> permanent;
 * - a 4xx reply (greylisting, 421/451 try later) -> transient;
 * - no reply: network, DNS, TLS and timeout errors -> transient (the server or network may come
 *   back, and a TLS setting fixed by an admin takes effect on the next retry);
 * - an envelope/message nodemailer itself refused (e.g. no valid recipient) -> permanent.
 */
export function isPermanentSmtpError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { responseCode, code } = error as { responseCode?: unknown; code?: unknown };
  if (typeof responseCode === 'number') return responseCode >= 500 && responseCode < 600;
  return typeof code === 'string' && permanentCodes.has(code);
}
