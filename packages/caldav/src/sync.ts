import type { DAVRequest, DAVResponse } from 'tsdav';

import { samePath, readEtag, type ObjectVersion } from './objects.js';

/**
 * Cheap change detection on one collection (issue 12): the collection's own version markers, read with
 * one small PROPFIND, and RFC 6578 sync-collection for what changed since a token.
 */

/** The collection's version markers; null for what the server does not offer. */
export interface CollectionState {
  /** DAV:sync-token (RFC 6578): offered by servers that answer sync-collection. */
  syncToken: string | null;
  /** CalendarServer's getctag: changes whenever any member changes. */
  ctag: string | null;
}

/** What changed in the collection since a sync token. */
export interface SyncChanges {
  /** The token to ask with next time. */
  syncToken: string;
  /** Members added or changed, with their new ETags (any component type: the REPORT has no filter). */
  changed: ObjectVersion[];
  /** Absolute URLs of members removed. */
  removed: string[];
}

const CALENDARSERVER_NS = 'http://calendarserver.org/ns/';

/** PROPFIND Depth 0 for the sync token and the ctag. */
export function stateRequest(): DAVRequest {
  return {
    method: 'PROPFIND',
    namespace: 'd',
    headers: { depth: '0' },
    body: {
      propfind: {
        _attributes: { 'xmlns:d': 'DAV:', 'xmlns:cs': CALENDARSERVER_NS },
        'd:prop': { 'd:sync-token': {}, 'cs:getctag': {} },
      },
    },
  };
}

/**
 * sync-collection REPORT, level 1, asking only for ETags (the data of changed members is fetched with a
 * multiget, so that objects can be batched and a huge first sync does not arrive as one answer).
 * An empty token asks for every member (the initial sync, RFC 6578 §3.4).
 */
export function syncRequest(token: string): DAVRequest {
  return {
    method: 'REPORT',
    namespace: 'd',
    headers: { depth: '0' },
    body: {
      'sync-collection': {
        _attributes: { 'xmlns:d': 'DAV:' },
        'd:sync-token': token,
        'd:sync-level': 1,
        'd:prop': { 'd:getetag': {} },
      },
    },
  };
}

/** tsdav parses numeric-looking text into numbers; tokens and ctags are opaque strings. */
function opaque(value: unknown): string | null {
  if (typeof value === 'string' && value) return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return null;
}

/** The collection's state from the PROPFIND answer (the one response about the collection). */
export function stateFromResponses(responses: DAVResponse[]): CollectionState {
  const props: Record<string, unknown> = responses[0]?.props ?? {};
  return { syncToken: opaque(props['syncToken']), ctag: opaque(props['getctag']) };
}

/**
 * Changes from a sync-collection answer. The new token sits beside the responses in the multistatus
 * (tsdav keeps the parsed document as `raw`). A response about the collection itself with 507 means the
 * server truncated the answer (RFC 6578 §3.6): the caller asks again with the new token.
 * Undefined when the answer has no token (not a sync-collection reply).
 */
export function changesFromResponses(responses: DAVResponse[], collection: string): (SyncChanges & { truncated: boolean }) | undefined {
  const raw = responses[0]?.raw as { multistatus?: { syncToken?: unknown } } | undefined;
  const syncToken = opaque(raw?.multistatus?.syncToken);
  if (syncToken === null) return undefined;
  const changed: ObjectVersion[] = [];
  const removed: string[] = [];
  let truncated = false;
  for (const response of responses) {
    if (!response.href) continue;
    const href = new URL(response.href, collection).href;
    if (samePath(href, collection, collection)) {
      if (response.status === 507) truncated = true;
      continue;
    }
    if (response.status === 404) removed.push(href);
    else if (response.ok) changed.push({ href, etag: readEtag(response.props?.['getetag']) });
  }
  return { syncToken, changed, removed, truncated };
}
