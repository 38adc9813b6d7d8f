/** What went wrong, in terms a job runner can act on. */
export type CalDavErrorCode =
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'PRECONDITION_FAILED'
  | 'SERVER_ERROR'
  | 'NETWORK'
  | 'TIMEOUT'
  | 'BAD_RESPONSE';

/**
 * What a failure says about the request's effect on the server (design §9):
 * - `refused`: a well-formed 4xx answer; the server did not carry the request out;
 * - `transient`: nothing (or nothing usable) happened and trying later may work — a 5xx, a proxy's
 *   502/503/504 page, a connection that could not be made, a read that timed out;
 * - `outcome-unknown`: a write was sent and no answer came (timeout, connection reset or closed):
 *   the server may or may not have carried it out, so the caller must re-read before deciding.
 * A 5xx answer to a write is `transient` here, but a careful caller treats it like
 * `outcome-unknown` too: only `refused` proves that nothing happened.
 */
export type CalDavFailure = 'refused' | 'transient' | 'outcome-unknown';

export interface CalDavErrorOptions {
  code: CalDavErrorCode;
  /** Defaults to what `status` implies: refused for a 4xx (but 408/425/429), else transient. */
  failure?: CalDavFailure;
  /** The request never left (connection refused, unknown host): nothing can have happened. */
  notSent?: boolean;
  /** HTTP status; null when no response arrived (network failure, timeout). */
  status: number | null;
  retryable: boolean;
  /** The request URL, without any user info. */
  url: string;
}

/**
 * A failed CalDAV request. Messages and fields never carry the password or the Authorization header:
 * they end up in job results and logs that operators (and API clients) read.
 */
export class CalDavError extends Error {
  override readonly name = 'CalDavError';
  /** HTTP status; null for network failures and timeouts. */
  readonly status: number | null;
  /** True when the same request may succeed later (network, timeout, 5xx, 412 after a re-fetch). */
  readonly retryable: boolean;
  readonly code: CalDavErrorCode;
  /** What the failure says about the request's effect; see {@link CalDavFailure}. */
  readonly failure: CalDavFailure;
  /** True when the request never reached the server (no connection could be made). */
  readonly notSent: boolean;
  /** The request URL, without any user info. */
  readonly url: string;

  constructor(message: string, options: CalDavErrorOptions) {
    // No `cause`: underlying errors (undici's, tsdav's) can reference request headers or raw bodies.
    super(message);
    this.status = options.status;
    this.retryable = options.retryable;
    this.code = options.code;
    this.failure = options.failure ?? defaultFailure(options.status);
    this.notSent = options.notSent ?? false;
    this.url = options.url;
  }
}

/** Only a 4xx is a refusal (408/425/429 ask to come back later); everything else proves nothing. */
function defaultFailure(status: number | null): CalDavFailure {
  if (status !== null && status >= 400 && status < 500 && status !== 408 && status !== 425 && status !== 429) return 'refused';
  return 'transient';
}

/** True only when the server definitely did not carry the request out (a well-formed 4xx refusal). */
export function isRefused(error: unknown): boolean {
  return error instanceof CalDavError && error.failure === 'refused';
}

/** True when the request certainly changed nothing: the server refused it, or it was never sent. */
export function changedNothing(error: unknown): boolean {
  return error instanceof CalDavError && (error.failure === 'refused' || error.notSent);
}

/** True for a {@link CalDavError} worth retrying; false for anything else (bugs, invalid input, permanent failures). */
export function isRetryable(error: unknown): boolean {
  return error instanceof CalDavError && error.retryable;
}

/**
 * Maps an HTTP status to a code and retryability.
 * - 412: the object changed under us; the caller re-fetches and decides, so it is worth another attempt.
 * - 408/425/429: the server asks us to come back later; retrying is the point.
 * - other 4xx: the request itself is wrong (400, 405, 409, 415, 422…) — retrying sends the same thing.
 * - 5xx: transient by assumption, including 501/507 (a misconfigured server gets fixed; retries are bounded).
 */
export function classifyStatus(status: number): { code: CalDavErrorCode; retryable: boolean } {
  if (status === 401) return { code: 'UNAUTHORIZED', retryable: false };
  if (status === 403) return { code: 'FORBIDDEN', retryable: false };
  if (status === 404 || status === 410) return { code: 'NOT_FOUND', retryable: false };
  if (status === 412) return { code: 'PRECONDITION_FAILED', retryable: true };
  if (status === 408 || status === 425 || status === 429) return { code: 'SERVER_ERROR', retryable: true };
  if (status >= 500) return { code: 'SERVER_ERROR', retryable: true };
  return { code: 'BAD_RESPONSE', retryable: false };
}

/** Builds the error for a non-2xx answer. */
export function httpError(method: string, url: string, status: number, statusText: string, detail: string): CalDavError {
  const { code, retryable } = classifyStatus(status);
  const text = `${method} ${url} -> ${status}${statusText ? ` ${statusText}` : ''}${detail ? `: ${detail}` : ''}`;
  return new CalDavError(text, { code, status, retryable, url });
}

/**
 * A response we could not use (unparseable, missing data). Permanent when it came with a success
 * status (retrying gets the same answer), and proof of nothing about a write's effect; transient when it came with a 5xx (a proxy's HTML error
 * page in place of a multistatus: the server behind it may be back soon).
 */
export function badResponse(url: string, message: string, status: number | null = null): CalDavError {
  const serverSide = status !== null && status >= 500;
  return new CalDavError(message, {
    code: serverSide ? 'SERVER_ERROR' : 'BAD_RESPONSE',
    status,
    retryable: serverSide,
    // An unusable success answer to a write may still mean the write happened.
    failure: serverSide ? 'transient' : 'outcome-unknown',
    url,
  });
}

/**
 * Removes secrets from text that may have been echoed by a server or built from a URL:
 * the password, the Basic token, and any `user:pass@` part of a URL.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1');
  for (const secret of secrets) {
    if (secret) out = out.split(secret).join('[redacted]');
  }
  return out;
}

/** A URL as it may appear in errors: no user info. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return redact(url, []);
  }
}
