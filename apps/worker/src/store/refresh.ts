import { CalDavError, type CalDavClient } from '@roombook/caldav';
import type { CalendarStoreRepository, StoredObjectRow } from '@roombook/db';
import type { RefreshCalendarResult } from '@roombook/queue';

import { INTERNAL, publicCalDavMessage } from '../public-error.js';
import { storedObject, type ExpansionSettings } from './stored-object.js';
import { expandKeyOf, expansionCovers, storeWindow, type StoreCalendar, type StoreWindow } from './store-window.js';

/** Objects fetched, expanded and written together: one calendar-multiget batch of the CalDAV client. */
const REFRESH_CHUNK = 250;

export interface RefreshInput {
  calendar: StoreCalendar;
  client: CalDavClient;
  store: CalendarStoreRepository;
  now: Date;
  /** Objects fetched, expanded and written together; default {@link REFRESH_CHUNK}. */
  chunk?: number;
  /**
   * List every member and its ETag, instead of asking for the changes since the stored sync token
   * (or trusting an unchanged ctag), when the last listing is at least this many ms old; 0 lists
   * every time, as a clear that deletes must. A sync answer is only as good as the server's token
   * handling: DAViCal (1.1) answers a token it does not know (after a restore from backup, or a
   * collection made again at the same URL) with every current member and no removals, where RFC
   * 6578 has it refused, and a counter-like ctag can come round to a stored value after a restore.
   * Objects removed meanwhile would stay in the store: a ghost that wins a clash would get a real
   * booking deleted, and stand in availability answers and `reject` rooms' conflict checks until
   * the next listing.
   */
  listEveryMs?: number;
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
 * allows: RFC 6578 sync-collection from the stored sync token (one REPORT, which says what changed);
 * else (no token, or the server refused it) one PROPFIND for the token and ctag — a ctag equal to
 * the stored one means nothing changed — and an ETag listing compared with the stored ETags; asked
 * to list (`listEveryMs`), always the PROPFIND and the listing. Only
 * new or changed objects are fetched (multiget) and expanded; stored objects whose expansion no
 * longer covers the clearing window (it moved on, or the room's zone or address changed) are
 * re-expanded from their stored text, without a fetch. Changed objects are fetched, expanded and
 * written a chunk at a time (one transaction each); removals and the new sync state are written
 * last, in one transaction with the last chunk.
 *
 * Callers serialise refreshes of one calendar (its store lock): two interleaved refreshes could
 * store an older object beside a newer token, and the next sync would never fetch it again.
 * On failure the store keeps its last good data, plus the chunks already written (whole objects with
 * their busy intervals, at the ETags they were fetched with), and the calendar records the error and when.
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

async function refresh(input: RefreshInput): Promise<RefreshOutcome> {
  const { calendar, client, store, now, chunk = REFRESH_CHUNK } = input;
  const window = storeWindow(now, calendar);
  const expandKey = expandKeyOf(calendar);
  const state = await store.state(calendar.id);
  const known = state?.refreshedAt != null;
  const listedAt = state?.listedAt ?? null;
  const listDue = input.listEveryMs !== undefined && (listedAt === null || now.getTime() - listedAt.getTime() >= input.listEveryMs);
  // A store that holds a sync token asks for the changes since it at once (RFC 6578): one request
  // whether or not anything changed, where reading the token first (a PROPFIND) cost a second one
  // whenever something had, as after each booking of a `reject` room (issue 9). A refused or
  // forgotten token falls back to the PROPFIND and an ETag listing.
  const synced = known && state.syncToken && !listDue ? await client.syncChanges(state.syncToken) : null;
  let quiet: string | null = null;
  let syncToken: string | null;
  // Not read when the sync answered: stored as unknown, since a stale ctag could match again later
  // (Radicale's is a hash of the ETags, so it comes back when a change is undone).
  let ctag: string | null = null;
  if (synced) {
    syncToken = synced.syncToken;
    if (synced.changed.length === 0 && synced.removed.length === 0) quiet = 'sync-token';
  } else {
    const remote = await client.collectionState();
    ({ syncToken, ctag } = remote);
    if (known && !listDue && syncToken === null && ctag !== null && ctag === state.ctag) quiet = 'ctag';
  }
  // Nothing changed on the server: only the objects to re-expand are read, not every object's version
  // (the common case of a clear or a scheduled refresh, issue 9).
  const uncovered = quiet ? await store.uncovered(calendar.id, window, expandKey) : null;
  const versions = uncovered ? uncovered.versions : await store.versions(calendar.id);
  const held = new Map(versions.map((v) => [hrefKey(v.href), v]));

  let method: string;
  // Every member and ETag compared with the store: what `listedAt` records.
  let listed = false;
  const toFetch: string[] = [];
  const removed = new Map<string, string>();
  const changed = (href: string, etag: string | null) => etag === null || held.get(hrefKey(href))?.etag !== etag;

  if (quiet) method = quiet;
  else if (synced) {
    method = 'sync-collection';
    for (const v of synced.changed) if (changed(v.href, v.etag)) toFetch.push(v.href);
    for (const href of synced.removed) {
      const stored = held.get(hrefKey(href));
      if (stored) removed.set(hrefKey(href), stored.href);
    }
  } else {
    // The token read above, before the listing: a change made meanwhile shows up again next time.
    method = known ? 'etags' : 'full';
    listed = true;
    const members = await client.listObjects();
    const seen = new Set<string>();
    for (const v of members) {
      seen.add(hrefKey(v.href));
      if (changed(v.href, v.etag)) toFetch.push(v.href);
    }
    for (const [key, stored] of held) if (!seen.has(key)) removed.set(key, stored.href);
  }

  const settings: ExpansionSettings = {
    window,
    timeZone: calendar.timeZone,
    roomAddresses: calendar.roomEmail ? [calendar.roomEmail] : [],
    expandKey,
  };
  // Fetched, expanded and written a chunk at a time, so a first refresh of a busy room holds one
  // chunk's texts and expansions instead of the whole year's (issue 9: worker RSS while clearing).
  // Each chunk is its own transaction; the sync state goes last, with the removals and the last
  // chunk (one commit fewer: the usual refresh after a booking fetches one object), so a refresh
  // that stops half-way leaves the old token, and the next one lists the changes again and skips
  // what its ETags show as stored.
  const fetchedKeys = new Set<string>();
  let added = 0;
  let expanded = 0;
  // The chunk held back for the last transaction; written before the next chunk is read.
  let last: StoredObjectRow[] = [];
  const flush = async () => {
    if (last.length > 0) await store.apply(calendar.id, { upserts: last, removed: [] });
    last = [];
  };
  for (let i = 0; i < toFetch.length; i += chunk) {
    await flush();
    const upserts: StoredObjectRow[] = [];
    for (const object of await client.fetchObjectsAt(toFetch.slice(i, i + chunk))) {
      const key = hrefKey(object.href);
      if (fetchedKeys.has(key)) continue; // listed twice
      fetchedKeys.add(key);
      const stored = held.get(key);
      if (!stored) added++;
      // Keep the spelling already stored, so one object keeps one row.
      upserts.push(storedObject({ ...object, href: stored?.href ?? object.href }, settings));
    }
    expanded += upserts.length;
    last = upserts;
  }
  for (const href of toFetch) {
    // Listed or reported as changed, then deleted before the multiget.
    const stored = held.get(hrefKey(href));
    if (!fetchedKeys.has(hrefKey(href)) && stored) removed.set(hrefKey(href), stored.href);
  }

  const stale = versions.filter((v) => !fetchedKeys.has(hrefKey(v.href)) && !removed.has(hrefKey(v.href)) && !expansionCovers(v, window, expandKey));
  for (let i = 0; i < stale.length; i += chunk) {
    await flush();
    last = (await store.objects(calendar.id, stale.slice(i, i + chunk).map((v) => v.href))).map((object) => storedObject(object, settings));
    expanded += last.length;
  }

  await store.apply(calendar.id, {
    upserts: last,
    removed: [...removed.values()],
    state: { refreshedAt: now, syncToken, ctag, listedAt: listed ? now : listedAt, from: window.from, to: window.to },
  });
  return {
    method,
    unchanged: fetchedKeys.size === 0 && removed.size === 0,
    fetched: fetchedKeys.size,
    removed: removed.size,
    objects: uncovered ? uncovered.objects : held.size + added - removed.size,
    refreshed_at: now.toISOString(),
    expanded,
    window,
  };
}
