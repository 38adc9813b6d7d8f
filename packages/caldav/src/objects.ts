import type { DAVResponse } from 'tsdav';

/** One calendar object resource as stored on the server. */
export interface CalendarObject {
  /** Absolute URL of the resource. */
  href: string;
  /** Strong ETag for If-Match, or null when the server gave none. */
  etag: string | null;
  /** The iCalendar text (VCALENDAR with its VEVENTs, VTIMEZONEs…). */
  data: string;
}

/**
 * Which version of an object the server holds: what a listing returns before any data travels. A
 * caller that already has an object at this ETag (a cache, a mirror) need not fetch it again.
 */
export interface ObjectVersion {
  /** Absolute URL of the resource. */
  href: string;
  /** The server's getetag, or null when it gave none (then the object always counts as changed). */
  etag: string | null;
}

/** The collection URL with a trailing slash, so that relative file names resolve inside it. */
export function collectionBase(url: string): string {
  const parsed = new URL(url);
  if (parsed.username || parsed.password) {
    // Credentials belong in CalDavConnection; fetch() also refuses URLs that carry them.
    throw new TypeError('CalDAV collection URL must not contain user info; pass username/password separately');
  }
  if (!parsed.pathname.endsWith('/')) parsed.pathname += '/';
  return parsed.href;
}

/** The URL of a new object `fileName` (an unencoded file name such as `<uid>.ics`) in the collection. */
export function objectUrlFor(collection: string, fileName: string): string {
  if (!fileName || fileName === '.' || fileName === '..' || /[/\\]/.test(fileName)) {
    throw new TypeError(`invalid calendar object file name: ${JSON.stringify(fileName)}`);
  }
  return new URL(encodeURIComponent(fileName), collection).href;
}

/**
 * Resolves an href against the collection and refuses other origins: every request carries the
 * Authorization header, and hrefs may come from server responses, so a hostile or misconfigured server
 * must not be able to send our credentials to a third party.
 */
export function ownUrl(href: string, collection: string): string {
  const url = new URL(href, collection);
  if (url.origin !== new URL(collection).origin) {
    throw new TypeError(`object URL ${url.origin}${url.pathname} is not on the calendar's server`);
  }
  return url.href;
}

/** Path (+ query) of a URL, the form multiget hrefs take. */
export function pathOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

/**
 * A key naming one resource whatever its spelling: servers may percent-encode an href differently from
 * how we sent it (`@` vs `%40`), or differently in two answers.
 */
export function pathKey(href: string, collection: string): string {
  const path = new URL(href, collection).pathname;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Same resource? */
export function samePath(a: string, b: string, collection: string): boolean {
  return pathKey(a, collection) === pathKey(b, collection);
}

/**
 * A strong ETag from a response header, or null. A weak ETag (W/"…") cannot be used with If-Match
 * (RFC 9110 §13.1.1 compares strongly), so it counts as absent and the caller re-fetches getetag.
 */
export function strongEtag(header: string | null): string | null {
  if (!header || header.startsWith('W/')) return null;
  return header;
}

/**
 * getetag as tsdav parsed it. tsdav converts numeric-looking text to numbers (its `nativeType`), so an
 * unquoted numeric ETag arrives as a number; servers quote ETags as RFC 9110 requires, which keeps them strings.
 */
export function readEtag(value: unknown): string | null {
  if (typeof value === 'string' && value) return value;
  if (typeof value === 'number') return String(value);
  return null;
}

/**
 * calendar-data as tsdav parsed it (plain text, or `{_cdata}` when the server used CDATA).
 * tsdav's XML parser trims text nodes, which strips the final CRLF that RFC 5545 §3.1 requires after every
 * content line; it is put back (in the object's own line-break style) so the text we hand out — and that
 * the audit log may later restore — is what the server sent.
 */
export function readCalendarData(value: unknown): string | undefined {
  let text: unknown = value;
  if (value && typeof value === 'object' && '_cdata' in value) text = value._cdata;
  if (typeof text !== 'string' || !text) return undefined;
  if (text.endsWith('\n')) return text;
  return text + (text.includes('\r\n') ? '\r\n' : '\n');
}

/** A CalendarObject from one multistatus response, or undefined when it holds no calendar data. */
export function objectFromResponse(response: DAVResponse, collection: string): CalendarObject | undefined {
  const props: Record<string, unknown> = response.props ?? {};
  const data = readCalendarData(props['calendarData']);
  if (!response.href || data === undefined) return undefined;
  return { href: new URL(response.href, collection).href, etag: readEtag(props['getetag']), data };
}

/**
 * An ObjectVersion from one response of a calendar-query, or undefined for the collection itself
 * (some servers list it). tsdav's collectionQuery has already refused answers holding a failed entry.
 */
export function versionFromResponse(response: DAVResponse, collection: string): ObjectVersion | undefined {
  if (!response.href || samePath(response.href, collection, collection)) return undefined;
  return { href: new URL(response.href, collection).href, etag: readEtag(response.props?.['getetag']) };
}

/**
 * Does the object contain a component with exactly this UID? The server's text-match is a substring
 * match (and a server may ignore the filter altogether), so results are checked here. This reads one
 * property line; everything else about iCalendar is @roombook/ical's business.
 */
export function hasUid(ics: string, uid: string): boolean {
  const unfolded = ics.replace(/\r?\n[ \t]/g, '');
  for (const line of unfolded.split(/\r?\n/)) {
    // Property name, optional parameters (quoted values may contain ':'), then the value.
    const match = /^UID(?:;(?:[^":]|"[^"]*")*)?:(.*)$/i.exec(line);
    if (!match) continue;
    const value = match[1] ?? '';
    if (value === uid || value.replace(/\\([\\;,])/g, '$1') === uid) return true;
  }
  return false;
}
