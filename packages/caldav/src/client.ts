import { createDAVClient, type DAVResponse } from 'tsdav';

import { CalDavError, httpError, safeUrl } from './errors.js';
import {
  collectionBase,
  hasUid,
  objectFromResponse,
  objectUrlFor,
  ownUrl,
  pathOf,
  pathKey,
  samePath,
  strongEtag,
  versionFromResponse,
  type CalendarObject,
  type ObjectVersion,
} from './objects.js';
import { multigetRequest, objectProps, uidFilter, veventsFilter, versionProps } from './queries.js';
import { changesFromResponses, stateFromResponses, stateRequest, syncRequest, type CollectionState, type SyncChanges } from './sync.js';
import { Transport } from './transport.js';

/** Where a room calendar lives and how to log in to it. */
export interface CalDavConnection {
  /** URL of the calendar collection itself (not the server root: no discovery is done). */
  url: string;
  username: string;
  password: string;
  /** Per-request limit, connect to last byte. Default 30000. */
  timeoutMs?: number;
  /** Allow link-local / cloud metadata addresses (calendar `--allow-private-address`). */
  allowPrivateAddress?: boolean | undefined;
  /**
   * Told about every HTTP request once it ends, for metrics: the method, the status (null when no
   * answer came: timeout, network error) and the time taken. Must not throw.
   */
  onRequest?: (method: string, status: number | null, ms: number) => void;
}

/**
 * I/O on one calendar collection. Every method either resolves or rejects with a {@link CalDavError}
 * (or a TypeError for invalid arguments: a bad file name, a write without an ETag).
 */
export interface CalDavClient {
  /**
   * Every object of the collection that holds a VEVENT, with its data: one calendar-query REPORT whose
   * only filter is the component type. No time range is sent, because a server's answer to one depends
   * on its recurrence evaluation (Xandikos 0.2.8 drops a series that started before the range, SabreDAV
   * 1.8 an RDATE inside it); which occurrences fall in a window is for @roombook/ical to say. Recurring
   * masters come as stored (RRULE, overrides), never expanded. Past objects come too: they expand to
   * nothing in a window, and a caller holding them by ETag can use {@link listObjects} instead.
   */
  fetchObjects(): Promise<CalendarObject[]>;
  /**
   * Href and ETag of every object that holds a VEVENT, without the data (the same query as
   * {@link fetchObjects}). A caller that holds some objects at these ETags fetches only the others
   * with {@link fetchObjectsAt}.
   */
  listObjects(): Promise<ObjectVersion[]>;
  /**
   * Data and current ETag of these objects (calendar-multiget, in batches), in the order asked. Objects
   * gone meanwhile are left out. Data and ETag of each come from the same response, so they belong together
   * even when the object changed since it was listed.
   */
  fetchObjectsAt(hrefs: readonly string[]): Promise<CalendarObject[]>;
  /**
   * The collection's sync token and ctag (one PROPFIND, Depth 0): when either equals what a caller
   * stored after its last full read, nothing in the collection changed since.
   */
  collectionState(): Promise<CollectionState>;
  /**
   * RFC 6578 sync-collection: members changed and removed since `token` ('' = every member), with
   * their ETags, and the next token. Null when the server no longer accepts the token (403/409
   * valid-sync-token, or a server without sync-collection): the caller falls back to {@link listObjects}.
   */
  syncChanges(token: string): Promise<SyncChanges | null>;
  /** calendar-multiget of one href: fresh data and ETag (after a 412, or when a PUT answered without an ETag). Undefined when gone. */
  fetchObject(href: string): Promise<CalendarObject | undefined>;
  /**
   * The object whose VEVENT has exactly this UID, whatever its file name (Thunderbird and Apple
   * name files their own way): a calendar-query with a UID text-match, then `<uid>.ics` by GET
   * in case the server ignores or rejects the filter.
   */
  findByUid(uid: string): Promise<CalendarObject | undefined>;
  /**
   * PUT `fileName` (unencoded, e.g. `<uid>.ics`) with If-None-Match: *. When it already exists the
   * answer is `created: false` with the existing object's ETag, so a retried create job is idempotent.
   */
  createObject(fileName: string, ics: string): Promise<{ href: string; etag: string | null; created: boolean }>;
  /**
   * PUT with If-Match: etag; refuses to write without an ETag. Returns the new ETag (re-fetched when the
   * server sends none or a weak one). A stale ETag rejects with code PRECONDITION_FAILED.
   */
  updateObject(object: { href: string; etag: string }, ics: string): Promise<{ etag: string | null }>;
  /** DELETE with If-Match: etag; refuses to delete without an ETag. A missing object rejects with NOT_FOUND. */
  deleteObject(object: { href: string; etag: string }): Promise<void>;
  /** PUT the exact text back at `href` with If-None-Match: * (restoring an audited removal); PRECONDITION_FAILED if something is there. */
  restoreObject(href: string, ics: string): Promise<{ etag: string | null }>;
}

type DavClient = Awaited<ReturnType<typeof createDAVClient>>;

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Statuses with which a server says "I won't run this calendar-query" (unsupported filter or
 * collation: RFC 4791 preconditions come back as 403, some servers use 400/415/422/501).
 * findByUid then falls back to a GET of `<uid>.ics`; a real permission problem resurfaces there.
 */
const FILTER_REJECTED = new Set([400, 403, 415, 422, 501]);

/**
 * Statuses with which a server refuses a sync-collection: 403/409 with DAV:valid-sync-token for an
 * expired or unknown token (RFC 6578 §3.2), 400/404/405/415/501 from servers without the REPORT, and
 * 500 from Xandikos 0.2.8, which crashes on a token it did not issue. A server that is really failing
 * fails the listing that follows too, and that error is the one reported.
 */
const SYNC_REFUSED = new Set([400, 403, 404, 405, 409, 415, 500, 501]);

/** sync-collection pages followed before falling back to a full listing. */
const SYNC_PAGES = 5;

const ICS_CONTENT_TYPE = 'text/calendar; charset=utf-8';

/**
 * Hrefs per calendar-multiget. One REPORT for a whole busy calendar would do on Radicale, but DAViCal
 * turns the hrefs into one SQL IN list and php -S servers hold the whole answer in memory: a few hundred
 * keeps each request modest while a year of a busy room (thousands of objects) still takes a handful.
 */
const MULTIGET_BATCH = 250;

/** A client for one calendar collection. Cheap: nothing is sent until a method is called. */
export function createCalDavClient(conn: CalDavConnection): CalDavClient {
  return new TsdavCalDavClient(conn);
}

class TsdavCalDavClient implements CalDavClient {
  private readonly collection: string;
  private readonly transport: Transport;
  /** The transport's fetch, observed for `onRequest` when one is given. */
  private readonly fetch: typeof fetch;
  private dav: Promise<DavClient> | undefined;

  constructor(private readonly conn: CalDavConnection) {
    this.collection = collectionBase(conn.url);
    const timeoutMs = conn.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new TypeError(`timeoutMs must be a positive number, got ${timeoutMs}`);
    this.transport = new Transport({ username: conn.username, password: conn.password, timeoutMs, allowPrivateAddress: conn.allowPrivateAddress });
    this.fetch = conn.onRequest ? observedFetch(this.transport.fetch, conn.onRequest) : this.transport.fetch;
  }

  /**
   * tsdav's client, made on first use. Without `defaultAccountType` createDAVClient sends nothing
   * (no PROPFIND discovery): we already know the collection URL, so every call is a single request.
   */
  private client(): Promise<DavClient> {
    this.dav ??= createDAVClient({
      serverUrl: this.collection,
      credentials: { username: this.conn.username, password: this.conn.password },
      authMethod: 'Basic',
      fetch: this.fetch,
    });
    return this.dav;
  }

  async fetchObjects(): Promise<CalendarObject[]> {
    return this.transport.run('REPORT', this.collection, async () => {
      const responses = await (await this.client()).calendarQuery({
        url: this.collection,
        props: objectProps,
        filters: veventsFilter(),
        depth: '1',
      });
      return this.completeObjects(responses);
    });
  }

  async listObjects(): Promise<ObjectVersion[]> {
    const responses = await this.transport.run('REPORT', this.collection, async () =>
      (await this.client()).calendarQuery({ url: this.collection, props: versionProps, filters: veventsFilter(), depth: '1' }),
    );
    const versions: ObjectVersion[] = [];
    for (const response of responses) {
      const version = versionFromResponse(response, this.collection);
      if (version) versions.push(version);
    }
    return versions;
  }

  async fetchObjectsAt(hrefs: readonly string[]): Promise<CalendarObject[]> {
    const urls = hrefs.map((href) => ownUrl(href, this.collection));
    const fetched = new Map<string, CalendarObject>();
    for (let i = 0; i < urls.length; i += MULTIGET_BATCH) {
      for (const object of await this.multiget(urls.slice(i, i + MULTIGET_BATCH))) fetched.set(pathKey(object.href, this.collection), object);
    }
    const objects: CalendarObject[] = [];
    const seen = new Set<string>();
    for (const url of urls) {
      const key = pathKey(url, this.collection);
      const object = fetched.get(key);
      if (object && !seen.has(key)) objects.push(object);
      seen.add(key);
    }
    return objects;
  }

  async collectionState(): Promise<CollectionState> {
    const responses = await this.transport.run('PROPFIND', this.collection, async () =>
      (await this.client()).davRequest({ url: this.collection, init: stateRequest() }),
    );
    return stateFromResponses(responses);
  }

  async syncChanges(token: string): Promise<SyncChanges | null> {
    const changed = new Map<string, ObjectVersion>();
    const removed = new Set<string>();
    let next = token;
    // A server may page a large answer (507 on the collection, RFC 6578 §3.6); a few pages at most, then
    // the caller's full listing is as cheap.
    for (let page = 0; page < SYNC_PAGES; page++) {
      let responses: DAVResponse[];
      try {
        responses = await this.transport.run('REPORT', this.collection, async () =>
          (await this.client()).davRequest({ url: this.collection, init: syncRequest(next) }),
        );
      } catch (error) {
        if (error instanceof CalDavError && error.status !== null && SYNC_REFUSED.has(error.status)) return null;
        throw error;
      }
      const answer = changesFromResponses(responses, this.collection);
      if (!answer) return null;
      for (const version of answer.changed) {
        removed.delete(version.href);
        changed.set(version.href, version);
      }
      for (const href of answer.removed) {
        changed.delete(href);
        removed.add(href);
      }
      next = answer.syncToken;
      if (!answer.truncated) return { syncToken: next, changed: [...changed.values()], removed: [...removed] };
    }
    return null;
  }

  async fetchObject(href: string): Promise<CalendarObject | undefined> {
    const url = ownUrl(href, this.collection);
    const objects = await this.multiget([url]);
    return objects.find((object) => samePath(object.href, url, this.collection));
  }

  async findByUid(uid: string): Promise<CalendarObject | undefined> {
    let responses: DAVResponse[];
    try {
      responses = await this.transport.run('REPORT', this.collection, async () =>
        (await this.client()).calendarQuery({ url: this.collection, props: objectProps, filters: uidFilter(uid), depth: '1' }),
      );
    } catch (error) {
      if (!(error instanceof CalDavError && error.status !== null && FILTER_REJECTED.has(error.status))) throw error;
      responses = [];
    }
    // The filter is a substring match, and a server that ignores it returns everything: check each UID.
    const match = (await this.completeObjects(responses)).find((object) => hasUid(object.data, uid));
    return match ?? this.getByFileName(uid);
  }

  async createObject(fileName: string, ics: string): Promise<{ href: string; etag: string | null; created: boolean }> {
    const href = objectUrlFor(this.collection, fileName);
    try {
      const response = await this.transport.run('PUT', href, async () =>
        (await this.client()).createCalendarObject({
          calendar: { url: this.collection },
          // Already percent-encoded: tsdav resolves it with new URL(filename, collection).
          filename: encodeURIComponent(fileName),
          iCalString: ics, // tsdav sends If-None-Match: * itself
        }),
      );
      return { href, etag: await this.etagAfterWrite('PUT', href, response), created: true };
    } catch (error) {
      if (!(error instanceof CalDavError && error.code === 'PRECONDITION_FAILED')) throw error;
      // Already there (a retried job, or a client that used the same name): report what is stored.
      const existing = await this.fetchObject(href);
      return { href, etag: existing?.etag ?? null, created: false };
    }
  }

  async updateObject(object: { href: string; etag: string }, ics: string): Promise<{ etag: string | null }> {
    const url = ownUrl(object.href, this.collection);
    const etag = requireEtag(object.etag, 'update');
    const response = await this.transport.run('PUT', url, async () =>
      // tsdav sends If-Match only when etag is truthy; requireEtag made sure it is.
      (await this.client()).updateCalendarObject({ calendarObject: { url, etag, data: ics } }),
    );
    return { etag: await this.etagAfterWrite('PUT', url, response) };
  }

  async deleteObject(object: { href: string; etag: string }): Promise<void> {
    const url = ownUrl(object.href, this.collection);
    const etag = requireEtag(object.etag, 'delete');
    const response = await this.transport.run('DELETE', url, async () =>
      (await this.client()).deleteCalendarObject({ calendarObject: { url, etag } }),
    );
    assertOk('DELETE', url, response);
  }

  async restoreObject(href: string, ics: string): Promise<{ etag: string | null }> {
    const url = ownUrl(href, this.collection);
    const response = await this.transport.run('PUT', url, async () =>
      // createCalendarObject wants a collection + file name; the generic createObject takes the exact href.
      (await this.client()).createObject({
        url,
        data: ics,
        headers: { 'content-type': ICS_CONTENT_TYPE, 'If-None-Match': '*' },
      }),
    );
    return { etag: await this.etagAfterWrite('PUT', url, response) };
  }

  /**
   * calendar-multiget through tsdav's davRequest (see multigetRequest for why not calendarMultiGet).
   * Hrefs the server reports as 404 are simply absent from the result. SabreDAV 1.8 instead answers the
   * whole REPORT with 404 when any href is missing: the batch is then split until the missing hrefs are
   * alone, and a lone missing href counts as gone only while the collection itself still answers.
   */
  private async multiget(urls: readonly string[]): Promise<CalendarObject[]> {
    if (urls.length === 0) return [];
    try {
      return await this.multigetOnce(urls);
    } catch (error) {
      if (!(error instanceof CalDavError && error.code === 'NOT_FOUND')) throw error;
      if (urls.length === 1) {
        await this.assertCollectionExists();
        return [];
      }
      const half = Math.ceil(urls.length / 2);
      return [...(await this.multiget(urls.slice(0, half))), ...(await this.multiget(urls.slice(half)))];
    }
  }

  /** PROPFIND Depth 0 on the collection; rejects with NOT_FOUND (from the transport) when it is gone. */
  private async assertCollectionExists(): Promise<void> {
    const response = await this.transport.fetch(this.collection, {
      method: 'PROPFIND',
      headers: { authorization: this.transport.authorization, depth: '0', 'content-type': 'application/xml; charset=utf-8' },
      body: '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/></d:prop></d:propfind>',
    });
    assertOk('PROPFIND', this.collection, response);
  }

  private async multigetOnce(urls: readonly string[]): Promise<CalendarObject[]> {
    return this.transport.run('REPORT', this.collection, async () => {
      const responses = await (await this.client()).davRequest({
        url: this.collection,
        init: multigetRequest(urls.map(pathOf)),
      });
      const objects: CalendarObject[] = [];
      for (const response of responses) {
        // davRequest returns props only for multistatus answers; anything else is not a multiget reply.
        if (response.props === undefined) {
          throw new CalDavError(`REPORT ${safeUrl(this.collection)}: calendar-multiget answered without a multistatus`, {
            code: 'BAD_RESPONSE',
            status: response.status,
            retryable: false,
            url: safeUrl(this.collection),
          });
        }
        if (response.status === 404) continue;
        const where = response.href ? new URL(response.href, this.collection).href : this.collection;
        if (!response.ok) throw httpError('REPORT', safeUrl(where), response.status, response.statusText, 'in calendar-multiget');
        const object = objectFromResponse(response, this.collection);
        if (object) objects.push(object);
      }
      return objects;
    });
  }

  /**
   * Objects from calendar-query responses. A server may answer a calendar-query with ETags but without
   * calendar-data; those objects are fetched with one multiget so callers always get the data.
   */
  private async completeObjects(responses: DAVResponse[]): Promise<CalendarObject[]> {
    const objects: CalendarObject[] = [];
    const missing: string[] = [];
    for (const response of responses) {
      if (!response.href || samePath(response.href, this.collection, this.collection)) continue;
      const object = objectFromResponse(response, this.collection);
      if (object) objects.push(object);
      else missing.push(ownUrl(response.href, this.collection));
    }
    return missing.length === 0 ? objects : [...objects, ...(await this.multiget(missing))];
  }

  /**
   * `<uid>.ics`, read with a plain GET: tsdav has no single-object GET (its fetchCalendarObjects always
   * goes through REPORTs, the very requests that did not find it). Only an object with this UID counts.
   */
  private async getByFileName(uid: string): Promise<CalendarObject | undefined> {
    let url: string;
    try {
      url = objectUrlFor(this.collection, `${uid}.ics`);
    } catch {
      return undefined; // a UID with '/' cannot be a file name of ours
    }
    let response: Response;
    try {
      response = await this.fetch(url, {
        method: 'GET',
        headers: { authorization: this.transport.authorization, accept: 'text/calendar' },
      });
    } catch (error) {
      if (error instanceof CalDavError && error.code === 'NOT_FOUND') return undefined;
      throw error;
    }
    assertOk('GET', url, response);
    const data = await response.text();
    if (!hasUid(data, uid)) return undefined;
    const etag = strongEtag(response.headers.get('etag'));
    return etag ? { href: url, etag, data } : this.fetchObject(url);
  }

  /**
   * The ETag after a successful write: the response header when it is a strong one, else the stored
   * object's getetag (DAViCal sends none on PUT; RFC 4791 §5.3.4 lets servers that alter the data omit it).
   * Caveat: a re-fetched ETag may belong to a version another client wrote in the few milliseconds
   * since our PUT; our own writes are serialised per calendar, so only an outside client can race here.
   */
  private async etagAfterWrite(method: string, url: string, response: Response): Promise<string | null> {
    assertOk(method, url, response);
    return strongEtag(response.headers.get('etag')) ?? (await this.fetchObject(url))?.etag ?? null;
  }
}

/** Conditional writes only: without If-Match a write could silently overwrite someone else's change. */
function requireEtag(etag: string, action: string): string {
  if (typeof etag !== 'string' || !etag) {
    throw new TypeError(`refusing to ${action} a calendar object without its ETag (fetch it first with fetchObject)`);
  }
  return etag;
}

/**
 * tsdav returns PUT/DELETE responses without checking them. Our transport already throws on non-2xx,
 * so this is a guard against a tsdav that ever swaps the fetch it uses.
 */
function assertOk(method: string, url: string, response: Response): void {
  if (!response.ok) throw httpError(method, safeUrl(url), response.status, response.statusText, '');
}

/** Wraps a fetch so each request's method, status (or null: no answer) and duration reach `observe`. */
function observedFetch(inner: typeof fetch, observe: NonNullable<CalDavConnection['onRequest']>): typeof fetch {
  return async (input, init) => {
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const started = performance.now();
    let status: number | null = null;
    try {
      const response = await inner(input, init);
      status = response.status;
      return response;
    } catch (error) {
      // The transport turns non-2xx answers into CalDavErrors that keep the status.
      status = error instanceof CalDavError ? error.status : null;
      throw error;
    } finally {
      try {
        observe(method.toUpperCase(), status, performance.now() - started);
      } catch {
        // An observer is for metrics; it never fails a request.
      }
    }
  };
}
