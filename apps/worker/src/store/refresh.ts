import { CalDavError, type CalDavClient, type CalendarObject } from '@roombook/caldav';
import type { CalendarStoreRepository, StoredObjectRow } from '@roombook/db';
import type { RefreshCalendarResult } from '@roombook/queue';

import { INTERNAL, publicCalDavMessage } from '../public-error.js';
import { storedObject, type ExpansionSettings } from './stored-object.js';
import { expandKeyOf, expansionCovers, storeWindow, type StoreCalendar, type StoreWindow } from './store-window.js';

export interface RefreshInput {
  calendar: StoreCalendar;
  client: CalDavClient;
  store: CalendarStoreRepository;
  now: Date;
}

export interface RefreshOutcome extends RefreshCalendarResult {
  /** Objects expanded by this refresh (fetched ones, and stored ones whose expansion no longer covered the window). */
  expanded: number;
  window: StoreWindow;
}

/**
 * The same resource whatever its spelling: a listing and a multiget may percent-encode one href
 * differently (`@` vs `%40`), and the store must not take that for a new object and a removed one.
 */
function hrefKey(href: string): string {
  const path = new URL(href).pathname;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * Brings one calendar's store up to date with its server (issues 9 and 12), as cheaply as the server
 * allows: one PROPFIND for the sync token and ctag — equal to what the last refresh stored means
 * nothing changed; else RFC 6578 sync-collection from the stored token; else (no token, or the server
 * forgot it) an ETag listing compared with the stored ETags. Only new or changed objects are fetched
 * (multiget) and expanded; stored objects whose expansion no longer covers the clearing window (it
 * moved on, or the room's zone or address changed) are re-expanded from their stored text, without a
 * fetch. Everything is written in one transaction with the new sync state.
 *
 * Callers serialise refreshes of one calendar (the calendar lock): two interleaved refreshes could
 * store an older object beside a newer token, and the next sync would never fetch it again.
 * On failure the store keeps its last good data and the calendar records the error and when.
 */
export async function refreshStore(input: RefreshInput): Promise<RefreshOutcome> {
  const { calendar, store, now } = input;
  try {
    return await refresh(input);
  } catch (error) {
    const message = error instanceof CalDavError ? publicCalDavMessage(error) : INTERNAL;
    // The refresh's own error is what the caller needs; a failed note about it must not replace it.
    await store.recordFailure(calendar.id, message, now).catch(() => {});
    throw error;
  }
}

async function refresh({ calendar, client, store, now }: RefreshInput): Promise<RefreshOutcome> {
  const window = storeWindow(now, calendar);
  const expandKey = expandKeyOf(calendar);
  const [state, versions, remote] = await Promise.all([store.state(calendar.id), store.versions(calendar.id), client.collectionState()]);
  const held = new Map(versions.map((v) => [hrefKey(v.href), v]));
  const known = state?.refreshedAt != null;

  let method: string;
  let syncToken = remote.syncToken;
  const toFetch: string[] = [];
  const removed = new Map<string, string>();
  const changed = (href: string, etag: string | null) => etag === null || held.get(hrefKey(href))?.etag !== etag;

  if (known && remote.syncToken !== null && remote.syncToken === state?.syncToken) method = 'sync-token';
  else if (known && remote.syncToken === null && remote.ctag !== null && remote.ctag === state?.ctag) method = 'ctag';
  else {
    const changes = known && state?.syncToken && remote.syncToken ? await client.syncChanges(state.syncToken) : null;
    if (changes) {
      method = 'sync-collection';
      syncToken = changes.syncToken;
      for (const v of changes.changed) if (changed(v.href, v.etag)) toFetch.push(v.href);
      for (const href of changes.removed) {
        const stored = held.get(hrefKey(href));
        if (stored) removed.set(hrefKey(href), stored.href);
      }
    } else {
      // The token read above, before the listing: a change made meanwhile shows up again next time.
      method = known ? 'etags' : 'full';
      const listed = await client.listObjects();
      const seen = new Set<string>();
      for (const v of listed) {
        seen.add(hrefKey(v.href));
        if (changed(v.href, v.etag)) toFetch.push(v.href);
      }
      for (const [key, stored] of held) if (!seen.has(key)) removed.set(key, stored.href);
    }
  }

  const fetched: CalendarObject[] = toFetch.length > 0 ? await client.fetchObjectsAt(toFetch) : [];
  const fetchedKeys = new Set(fetched.map((o) => hrefKey(o.href)));
  for (const href of toFetch) {
    // Listed or reported as changed, then deleted before the multiget.
    const stored = held.get(hrefKey(href));
    if (!fetchedKeys.has(hrefKey(href)) && stored) removed.set(hrefKey(href), stored.href);
  }

  const settings: ExpansionSettings = {
    window,
    timeZone: calendar.timeZone,
    roomAddresses: calendar.roomEmail ? [calendar.roomEmail] : [],
    expandKey,
  };
  const upserts: StoredObjectRow[] = [];
  for (const object of fetched) {
    // Keep the spelling already stored, so one object keeps one row.
    const href = held.get(hrefKey(object.href))?.href ?? object.href;
    upserts.push(storedObject({ ...object, href }, settings));
  }
  const stale = versions.filter((v) => !fetchedKeys.has(hrefKey(v.href)) && !removed.has(hrefKey(v.href)) && !expansionCovers(v, window, expandKey));
  if (stale.length > 0) {
    for (const object of await store.objects(calendar.id, stale.map((v) => v.href))) upserts.push(storedObject(object, settings));
  }

  await store.apply(calendar.id, {
    upserts,
    removed: [...removed.values()],
    state: { refreshedAt: now, syncToken, ctag: remote.ctag, from: window.from, to: window.to },
  });
  const added = fetched.filter((o) => !held.has(hrefKey(o.href))).length;
  return {
    method,
    unchanged: fetched.length === 0 && removed.size === 0,
    fetched: fetched.length,
    removed: removed.size,
    objects: held.size + added - removed.size,
    refreshed_at: now.toISOString(),
    expanded: upserts.length,
    window,
  };
}
