import { classify, marksObjectCancelled } from '@roombook/booking';
import type { CalendarObject } from '@roombook/caldav';
import type { StoredObjectRow } from '@roombook/db';
import type { TruncatedExpansion } from '@roombook/ical';

import { expandStored, toOccurrence, unreadableReason, type StoredOccurrence } from '../clearing/occurrences.js';
import type { StoreWindow } from './store-window.js';

/** A runaway-series notice as stored (calendar_objects.truncated): instants in epoch ms. */
export interface StoredTruncation {
  uid: string;
  limit: number;
  expandedUntil: number | null;
}

export interface ExpansionSettings {
  window: StoreWindow;
  timeZone: string;
  roomAddresses: string[];
  expandKey: string;
}

/**
 * An object's row in the store: its text, its expansion over the store's window, and its busy
 * intervals under exactly the clearing rules — cancelled (the occurrence, or the whole object), declined
 * and transparent occurrences are free (@roombook/booking's classify, the one the clear uses). An object
 * that cannot be read is kept with its reason and no occurrences, as the clear reports it.
 */
export function storedObject(object: CalendarObject, settings: ExpansionSettings): StoredObjectRow {
  const truncated: StoredTruncation[] = [];
  let occurrences: StoredOccurrence[] = [];
  let unreadable: string | null = null;
  try {
    occurrences = expandStored(
      object,
      { from: settings.window.from, to: settings.window.expandTo, timeZone: settings.timeZone, roomAddresses: settings.roomAddresses },
      (notice: TruncatedExpansion) => truncated.push({ uid: notice.uid, limit: notice.limit, expandedUntil: notice.expandedUntil?.getTime() ?? null }),
    );
  } catch (error) {
    unreadable = unreadableReason(error);
  }
  return {
    href: object.href,
    etag: object.etag,
    uid: occurrences[0]?.uid ?? null,
    data: object.data,
    occurrences,
    expandedFrom: settings.window.from,
    expandedTo: settings.window.expandTo,
    expandKey: settings.expandKey,
    unreadable,
    truncated: truncated.length > 0 ? truncated : null,
    busy: busyIntervals(object.href, occurrences),
  };
}

/** The occurrences that hold the room, as the clear decides it (priority plays no part in being busy). */
export function busyIntervals(href: string, occurrences: readonly StoredOccurrence[]): { start: Date; end: Date }[] {
  const busy: { start: Date; end: Date }[] = [];
  for (const stored of occurrences) {
    const occurrence = toOccurrence(href, stored, null);
    if (marksObjectCancelled(occurrence) || classify(occurrence) !== 'active') continue;
    busy.push({ start: occurrence.start, end: occurrence.end });
  }
  return busy;
}
