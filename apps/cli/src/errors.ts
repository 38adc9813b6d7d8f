import { CommanderError } from 'commander';

import { ConfigError } from '@roombook/config';
import { ConflictError, NotFoundError } from '@roombook/db';
import { HasDependentsError, ServiceError, VerificationError } from '@roombook/service';

/** Exit codes: 0 ok, 1 the command failed (domain, configuration, database), 2 it was misused. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The invocation itself is wrong (bad or missing option value): exit 2, like commander's own errors. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure worth exactly the message it carries (bad configuration, unreadable file…): exit 1. */
export class CliError extends Error {
  override name = 'CliError';
}

/** Node/postgres.js codes meaning "no server to talk to", as opposed to an SQL error. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'CONNECT_TIMEOUT',
]);

/** `postgres://user:secret@host/db` -> `postgres://user:***@host/db`, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * drizzle wraps driver errors as "Failed query: <sql> params: <values>"; the values can include
 * ciphertext or token hashes, so only the driver's own error (the cause) is ever shown.
 */
function unwrapQueryError(error: unknown): unknown {
  if (error instanceof Error && error.message.startsWith('Failed query:') && error.cause instanceof Error) {
    return error.cause;
  }
  return error;
}

function describeConfigError(error: ConfigError): string {
  return (
    'invalid configuration: ' +
    error.problems
      .map((p) =>
        p.message.startsWith('must have required') ? `${p.variable} is not set` : `${p.variable} ${p.message}`,
      )
      .join('; ')
  );
}

/** What to print for an error (one line, no stack, no secrets) and the exit code. */
export function describeError(
  error: unknown,
  databaseUrl: string | undefined,
): { message: string; exitCode: number } {
  if (error instanceof UsageError) return { message: error.message, exitCode: EXIT_USAGE };
  if (error instanceof ConfigError) return { message: describeConfigError(error), exitCode: EXIT_FAILURE };
  if (error instanceof HasDependentsError) {
    return { message: `${error.message}. Nothing was changed; add --force to go ahead anyway`, exitCode: EXIT_FAILURE };
  }
  if (error instanceof VerificationError) {
    return {
      message: `calendar not saved: ${error.message} (add --no-verify to save it without asking the server)`,
      exitCode: EXIT_FAILURE,
    };
  }
  if (error instanceof NotFoundError || error instanceof ConflictError || error instanceof CliError || error instanceof ServiceError) {
    return { message: error.message, exitCode: EXIT_FAILURE };
  }
  const cause = unwrapQueryError(error);
  const code = codeOf(cause);
  const text = cause instanceof Error ? cause.message : String(cause);
  const where = databaseUrl ? ` at ${redactUrl(databaseUrl)}` : '';
  let message: string;
  if (code && UNREACHABLE.has(code)) message = `cannot reach the database${where}: ${text}`;
  else if (code === '3D000') message = `${text}${where}: run \`roombook migrate\` to create and migrate it`;
  else if (code === '42P01' || code === '42703') {
    message = `the database${where} is not migrated (${text}): run \`roombook migrate\``;
  } else if (code === '28P01' || code === '28000') message = `cannot log in to the database${where}: ${text}`;
  else if (code && /^[0-9A-Z]{5}$/.test(code)) message = `database error: ${text}`;
  else message = text;
  return { message: firstLine(message, databaseUrl), exitCode: EXIT_FAILURE };
}

/** Keeps the promise of one line, and never echoes the database password should a message contain it. */
function firstLine(message: string, databaseUrl: string | undefined): string {
  let line = message.split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
  const password = databaseUrl ? safePassword(databaseUrl) : '';
  if (password) line = line.replaceAll(password, '***');
  return line || 'unknown error';
}

function safePassword(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return '';
  }
}

/**
 * Exit code for an error commander raised through exitOverride (it has already printed it).
 * Help and version output are successes; a bare command group shows its help as a usage error.
 */
export function commanderExitCode(error: CommanderError): number {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT_OK;
  if (error.code === 'commander.help') return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  return EXIT_USAGE;
}

export { CommanderError };
