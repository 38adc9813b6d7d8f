import type { Occurrence } from '@roombook/booking';
import type { CalendarStoreRepository } from '@roombook/db';

import { inWindow, toOccurrence, type ExpandSettings, type ExpandedCalendar, type StoredOccurrence } from '../clearing/occurrences.js';
import type { StoredTruncation } from './stored-object.js';

/**
 * The clearing window's occurrences from the store, as expandCalendar gives them from fetched objects:
 * nothing is parsed, only read back and filtered to the window (objects are expanded a little beyond
 * it, see store-window.ts). Priority marks are verified here, with the calendar's key.
 */
export async function storedCalendar(
  store: CalendarStoreRepository,
  calendarId: number,
  window: { from: Date; to: Date },
  isPriorityMarkValid: ExpandSettings['isPriorityMarkValid'],
): Promise<ExpandedCalendar & { objects: number }> {
  const rows = await store.expansions(calendarId);
  const from = window.from.getTime();
  const to = window.to.getTime();
  const occurrences: Occurrence[] = [];
  const unreadable: ExpandedCalendar['unreadable'] = [];
  const truncated: ExpandedCalendar['truncated'] = [];
  for (const row of rows) {
    if (row.unreadable !== null) {
      unreadable.push({ href: row.href, error: row.unreadable });
      continue;
    }
    for (const stored of (row.occurrences ?? []) as StoredOccurrence[]) {
      if (inWindow(stored, from, to)) occurrences.push(toOccurrence(row.href, stored, isPriorityMarkValid));
    }
    for (const t of (row.truncated ?? []) as StoredTruncation[]) {
      // Cut off only beyond the clearing window (inside the store's slack): the window is complete.
      if (t.expandedUntil !== null && t.expandedUntil >= to) continue;
      truncated.push({ href: row.href, uid: t.uid, limit: t.limit, expandedUntil: t.expandedUntil === null ? null : new Date(t.expandedUntil) });
    }
  }
  return { occurrences, unreadable, truncated, objects: rows.length };
}
