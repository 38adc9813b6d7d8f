import type { SmtpEnv } from '@roombook/config';
import type { Static } from 'typebox';

/** Everything the mailer needs, with the seed's defaults applied. */
export interface SmtpSettings {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (SMTPS, usually 465). */
  secure: boolean;
  /** Plain connect, then STARTTLS is mandatory (usually 587); never send credentials in clear. */
  requireTLS: boolean;
  /**
   * Login, or null to send without AUTH (a local relay). `pass` is a non-enumerable property, so
   * logging or JSON-serialising the settings does not print it.
   */
  auth: { user: string; pass: string } | null;
  from: { name: string | undefined; address: string };
  bcc: string[];
  /** Verify the server certificate (SMTP_TLS_REJECT_UNAUTHORIZED). */
  rejectUnauthorized: boolean;
  timeouts: { connectionMs: number; greetingMs: number; socketMs: number };
}

/** Defaults: a dead server fails a job in seconds, a slow but alive one gets a minute. */
export const defaultSmtpTimeouts: SmtpSettings['timeouts'] = Object.freeze({
  connectionMs: 10_000,
  greetingMs: 10_000,
  socketMs: 60_000,
});

/** SMTP settings misconfigured (e.g. a server without a sender address). */
export class SmtpConfigError extends Error {
  override readonly name = 'SmtpConfigError';
}

/**
 * Derives SMTP settings from the environment slice, as the original app did:
 * - `SMTP_SERVER` unset -> `null`: mail is off (the caller logs once; clears still succeed).
 * - `SMTP_EMAIL`: sender address (required when a server is set); `SMTP_SENDER_NAME`: From name.
 * - `SMTP_USER_NAME`: login, defaults to `SMTP_EMAIL`; `SMTP_PASSWORD` unset/empty -> no AUTH.
 * - `SMTP_STARTTLS` false (default) -> implicit TLS on 465; true -> STARTTLS required, on 587.
 * - `SMTP_PORT` overrides the port; `SMTP_BCC`: comma-separated addresses added as BCC.
 * - `SMTP_TLS_REJECT_UNAUTHORIZED` (default true): verify the server certificate.
 * @throws SmtpConfigError when SMTP_SERVER is set but SMTP_EMAIL is not.
 */
export function smtpSettings(config: Static<typeof SmtpEnv>): SmtpSettings | null {
  const host = config.SMTP_SERVER?.trim();
  if (!host) return null;
  const address = config.SMTP_EMAIL?.trim();
  if (!address) throw new SmtpConfigError('SMTP_SERVER is set but SMTP_EMAIL (the sender address) is not');
  const starttls = config.SMTP_STARTTLS;
  const password = config.SMTP_PASSWORD;
  const user = config.SMTP_USER_NAME?.trim() || address;
  return {
    host,
    port: config.SMTP_PORT ?? (starttls ? 587 : 465),
    secure: !starttls,
    requireTLS: starttls,
    auth: password ? credentials(user, password) : null,
    from: { name: config.SMTP_SENDER_NAME?.trim() || undefined, address },
    bcc: (config.SMTP_BCC ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== ''),
    rejectUnauthorized: config.SMTP_TLS_REJECT_UNAUTHORIZED,
    timeouts: { ...defaultSmtpTimeouts },
  };
}

/** Credentials whose password does not show up in logs, `JSON.stringify` or `util.inspect`. */
export function credentials(user: string, pass: string): { user: string; pass: string } {
  const auth = { user } as { user: string; pass: string };
  Object.defineProperty(auth, 'pass', { value: pass, enumerable: false, writable: false });
  return auth;
}

/** For the worker's log line: `smtps://user@host:465` (never the password). */
export function describeSmtpSettings(settings: SmtpSettings): string {
  const scheme = settings.secure ? 'smtps' : 'smtp+starttls';
  const user = settings.auth ? `${settings.auth.user}@` : '';
  return `${scheme}://${user}${settings.host}:${settings.port}`;
}
