import { clearingWindow } from '../clearing/window.js';

/**
 * Extra days each object is expanded beyond the clearing window. The window moves forward every day;
 * with this slack an unchanged object is re-expanded (from its stored text, without a fetch) once a
 * week instead of on every first refresh of a day.
 */
export const EXPANSION_SLACK_DAYS = 7;

const DAY_MS = 86_400_000;

/** Bumped when the stored occurrence shape or the expansion rules change: every object is then re-expanded. */
const STORE_FORMAT = 1;

export interface StoreCalendar {
  id: number;
  timeZone: string;
  horizonDays: number;
  roomEmail: string | null;
}

export interface StoreWindow {
  /** The clearing window (start of today in the room's zone → horizon): what the store must cover. */
  from: Date;
  to: Date;
  /** How far an object is expanded when it is (re)expanded. */
  expandTo: Date;
}

export function storeWindow(now: Date, calendar: StoreCalendar): StoreWindow {
  const { from, to } = clearingWindow(now, calendar.timeZone, calendar.horizonDays);
  return { from, to, expandTo: new Date(to.getTime() + EXPANSION_SLACK_DAYS * DAY_MS) };
}

/** What an expansion depends on besides the object's text and the window: a change re-expands every object. */
export function expandKeyOf(calendar: StoreCalendar): string {
  return JSON.stringify([STORE_FORMAT, calendar.timeZone, calendar.roomEmail ?? null]);
}

/** Whether a stored expansion still covers the window under the calendar's current settings. */
export function expansionCovers(
  stored: { expandedFrom: Date | null; expandedTo: Date | null; expandKey: string | null },
  window: StoreWindow,
  key: string,
): boolean {
  return (
    stored.expandKey === key &&
    stored.expandedFrom !== null &&
    stored.expandedTo !== null &&
    stored.expandedFrom.getTime() <= window.from.getTime() &&
    stored.expandedTo.getTime() >= window.to.getTime()
  );
}
