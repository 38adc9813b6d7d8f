import type { ClearReport } from './jobs/clear-calendar.js';

/** A report with nothing in it, in the seed's shape. */
export function emptyReport(testMode: boolean): ClearReport {
  return {
    deleted_cancelled_events: [],
    deleted_overlapping_events: [],
    cancelled_overlapping_recurring_events: [],
    ignored_overlapping_events: [],
    test_mode: testMode,
    unreadable_objects: [],
    truncated_series: [],
    mails_queued: 0,
    windows: [],
  };
}

/** Merges per-calendar reports into one, as the seed answered a clear of "all my calendars". */
export function mergeReports(reports: ClearReport[], testMode: boolean): ClearReport {
  const merged = emptyReport(testMode);
  for (const r of reports) {
    merged.deleted_cancelled_events.push(...r.deleted_cancelled_events);
    merged.deleted_overlapping_events.push(...r.deleted_overlapping_events);
    merged.cancelled_overlapping_recurring_events.push(...r.cancelled_overlapping_recurring_events);
    merged.ignored_overlapping_events.push(...r.ignored_overlapping_events);
    merged.unreadable_objects.push(...r.unreadable_objects);
    merged.truncated_series.push(...r.truncated_series);
    merged.windows.push(...r.windows);
    merged.mails_queued += r.mails_queued;
  }
  return merged;
}
