import { forbiddenAddressOf } from './address-guard.js';
import { CalDavError, badResponse, httpError, redact, safeUrl } from './errors.js';

/** Methods that change something on the server: a lost answer to one of these leaves its outcome unknown. */
const WRITE_METHODS = new Set(['PUT', 'DELETE', 'MOVE', 'COPY', 'PROPPATCH', 'MKCALENDAR', 'MKCOL', 'POST']);

/**
 * undici causes that mean the connection was never made, so the request was never sent: such a
 * failure is transient even for a write. Anything else after a write (reset, closed socket,
 * timeout) may have come after the server received it.
 */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** How much of an error response body goes into the message: enough for a DAV:error precondition, no more. */
const DETAIL_CHARS = 200;

/** Statuses whose Response may not carry a body (the Response constructor throws otherwise). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

export interface TransportOptions {
  username: string;
  password: string;
  timeoutMs: number;
  /** Allow link-local / cloud metadata addresses (169.254.0.0/16, fe80::/10); off by default. */
  allowPrivateAddress?: boolean | undefined;
}

/** Redirect hops followed (same origin only) before giving up. */
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * The one place every CalDAV request goes through, tsdav's included (it accepts a `fetch` override):
 * - each request gets its own `AbortSignal.timeout`, so a hung server cannot hang a worker;
 * - the body is read inside the same timeout and buffered, so a server that sends headers and then
 *   stalls is a TIMEOUT too, and tsdav later reads an in-memory body that cannot fail;
 * - any non-2xx answer becomes a classified {@link CalDavError} here, because tsdav either returns the
 *   Response unchecked (PUT/DELETE) or turns it into an untyped `Error` whose message holds the raw body
 *   (REPORT via collectionQuery) — neither lets a caller tell a 401 from a 503.
 */
export class Transport {
  readonly authorization: string;
  private readonly secrets: string[];

  constructor(private readonly options: TransportOptions) {
    const token = Buffer.from(`${options.username}:${options.password}`).toString('base64');
    this.authorization = `Basic ${token}`;
    this.secrets = [this.authorization, token, options.password];
  }

  /** A `fetch` with the behaviour above, to hand to tsdav or to call directly. */
  readonly fetch: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : input instanceof URL ? input.href : input;
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    let response: Response;
    let body: ArrayBuffer;
    let target = new URL(url);
    for (let hop = 0; ; hop++) {
      await this.guardAddress(method, target);
      try {
        // Redirects are followed here, not by fetch: only to the same origin, so the Basic
        // credentials never go to another host, and each hop's address is checked again.
        response = await fetch(hop === 0 ? input : target, { ...init, signal, redirect: 'manual' });
        body = await response.arrayBuffer();
      } catch (error) {
        throw this.transportError(method, target.href, error, timeout.aborted);
      }
      const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get('location') : null;
      if (location === null) break;
      const next = new URL(location, target);
      if (next.origin !== target.origin || hop + 1 > MAX_REDIRECTS) {
        const why = next.origin !== target.origin ? `to another origin (${next.origin})` : `more than ${MAX_REDIRECTS} times`;
        throw new CalDavError(`${method} ${safeUrl(url)}: the server redirected ${why}; roombook follows redirects only within the calendar's origin`, {
          code: 'BAD_RESPONSE',
          status: response.status,
          retryable: false,
          failure: 'refused',
          url: safeUrl(url),
        });
      }
      target = next;
    }
    if (!response.ok) {
      throw httpError(method, safeUrl(url), response.status, response.statusText, this.detail(body));
    }
    const buffered = new Response(NULL_BODY_STATUSES.has(response.status) ? null : body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    // tsdav uses `response.url` as the href of non-multistatus answers; a constructed Response has none.
    Object.defineProperty(buffered, 'url', { value: response.url });
    return buffered;
  };

  private async guardAddress(method: string, target: URL): Promise<void> {
    if (this.options.allowPrivateAddress) return;
    const address = await forbiddenAddressOf(target);
    if (address === undefined) return;
    throw new CalDavError(
      `${method} ${safeUrl(target.href)}: refused to connect to ${address} (link-local or cloud metadata address); allow it with --allow-private-address`,
      { code: 'FORBIDDEN', status: null, retryable: false, failure: 'refused', notSent: true, url: safeUrl(target.href) },
    );
  }

  /**
   * Runs a tsdav call (or any request sequence) and guarantees that what escapes is a CalDavError:
   * errors from our fetch pass through; anything else is tsdav failing to make sense of an answer.
   */
  async run<T>(method: string, url: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof CalDavError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      // The original error is not attached as `cause`: tsdav's messages embed raw response bodies, and
      // only the redacted copy below may reach logs and job results.
      throw badResponse(safeUrl(url), this.clean(`${method} ${safeUrl(url)}: unusable response: ${message}`));
    }
  }

  /** Scrubs secrets from text that is about to become an error message. */
  clean(text: string): string {
    return redact(text, this.secrets);
  }

  private transportError(method: string, url: string, error: unknown, timedOut: boolean): CalDavError {
    const where = `${method} ${safeUrl(url)}`;
    const write = WRITE_METHODS.has(method.toUpperCase());
    if (timedOut) {
      return new CalDavError(`${where}: no answer within ${this.options.timeoutMs} ms${write ? ' (outcome unknown)' : ''}`, {
        code: 'TIMEOUT',
        status: null,
        retryable: true,
        failure: write ? 'outcome-unknown' : 'transient',
        url: safeUrl(url),
      });
    }
    // undici reports "fetch failed" and keeps the useful part (ECONNREFUSED, ENOTFOUND…) in `cause`.
    // The cause object itself is not attached: it may reference the request, headers included.
    const reason = describeCause(error);
    const notSent = NOT_SENT.has(causeCode(error) ?? '');
    const unknown = write && !notSent;
    return new CalDavError(this.clean(`${where}: network error: ${reason}${unknown ? ' (outcome unknown)' : ''}`), {
      code: 'NETWORK',
      status: null,
      retryable: true,
      failure: unknown ? 'outcome-unknown' : 'transient',
      notSent,
      url: safeUrl(url),
    });
  }

  private detail(body: ArrayBuffer): string {
    const text = new TextDecoder().decode(body.slice(0, DETAIL_CHARS * 4)).replace(/\s+/g, ' ').trim();
    return this.clean(text.length > DETAIL_CHARS ? `${text.slice(0, DETAIL_CHARS)}…` : text);
  }
}

function causeCode(error: unknown): string | undefined {
  const cause: unknown = error instanceof Error ? error.cause : undefined;
  const code = cause instanceof Error ? (cause as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' && !cause.message.includes(code) ? `${code} ${cause.message}` : cause.message;
  }
  return error.message;
}
