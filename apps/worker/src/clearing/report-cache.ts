import type { ClearReport } from '@roombook/queue';

/** What a dry-run clear's report depends on besides the clock (see {@link ReportCache}). */
export interface ReportKey {
  calendarId: number;
  /** The calendar store's digest after the refresh (CalendarStoreRepository.fingerprint). */
  store: string;
  slug: string;
  timeZone: string;
  window: { from: Date; to: Date };
  priorityTokens: readonly string[];
}

/** A dry-run report with what the job's progress says about it. */
export interface CachedReport {
  report: ClearReport;
  objects: number;
  occurrences: number;
  decisions: number;
}

interface Entry extends CachedReport {
  key: string;
  plannedAt: number;
  /** The first instant at which an occurrence planned on ends: from then on it is past, and the plan differs. */
  validUntil: number;
}

/** Calendars whose last dry-run report is kept: each busy room's report holds a few MB. */
const MAX_CALENDARS = 4;

/**
 * The last dry-run report of a few calendars, so a dry run of an unchanged calendar costs a digest
 * query instead of reading 16,000 occurrences back, planning and formatting 12,000 losers (issue 9).
 *
 * A plan is a pure function of the occurrences, the priority tokens, the time zone and `now`
 * (@roombook/booking's planClearing); `now` enters only as "has this occurrence ended yet". So a
 * report is reused when the store's digest, window, tokens, zone and slug are the same, and no
 * occurrence planned on has ended since it was made. Priority marks are checked with this
 * process's SECRET_KEY, which does not change while it runs. Only dry runs are kept: a real clear
 * writes, changing the store, and its report carries each write's outcome.
 *
 * Reports handed out are shared between jobs and must not be changed by their readers.
 */
export class ReportCache {
  private readonly entries = new Map<number, Entry>();

  static key(k: ReportKey): string {
    return JSON.stringify([k.store, k.slug, k.timeZone, k.window.from.getTime(), k.window.to.getTime(), k.priorityTokens]);
  }

  get(k: ReportKey, now: Date): CachedReport | undefined {
    const entry = this.entries.get(k.calendarId);
    const at = now.getTime();
    if (!entry || entry.key !== ReportCache.key(k) || at < entry.plannedAt || at >= entry.validUntil) return undefined;
    // Most recently used last, so the oldest calendar is the one dropped.
    this.entries.delete(k.calendarId);
    this.entries.set(k.calendarId, entry);
    return entry;
  }

  /** `planned`: the occurrences the plan was made on. */
  set(k: ReportKey, now: Date, planned: readonly { end: Date }[], value: CachedReport): void {
    const at = now.getTime();
    let validUntil = Number.POSITIVE_INFINITY;
    for (const o of planned) {
      const end = o.end.getTime();
      if (end > at && end < validUntil) validUntil = end;
    }
    this.entries.delete(k.calendarId);
    this.entries.set(k.calendarId, { ...value, key: ReportCache.key(k), plannedAt: at, validUntil });
    for (const id of this.entries.keys()) {
      if (this.entries.size <= MAX_CALENDARS) break;
      this.entries.delete(id);
    }
  }
}
