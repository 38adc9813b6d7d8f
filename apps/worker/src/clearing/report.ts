import type { ClearingPlan, Occurrence } from '@roombook/booking';
import { emptyReport, type ClearReport, type ReportEvent, type ReportItem } from '@roombook/queue';

import type { ExpandedCalendar } from './occurrences.js';
import { localIso } from './window.js';

export type ItemStatus = ReportItem['status'];

/** Where a decision stands after apply: the key is the item's decision key (see decisionKey). */
export type Outcomes = Map<string, { status: ItemStatus; error?: string }>;

export function decisionKey(kind: string, occurrence: Occurrence): string {
  return `${kind}|${occurrence.objectId}|${occurrence.recurrenceId ?? ''}`;
}

function reportEvent(o: Occurrence, timeZone: string): ReportEvent {
  return {
    uid: o.uid,
    name: o.name,
    start: localIso(o.start, timeZone),
    end: localIso(o.end, timeZone),
    created: o.created ? localIso(o.created, timeZone) : null,
    organizer: o.organizer,
    recurrence_id: o.recurrenceId,
  };
}

/** The seed's report for one calendar's plan, with each item's action, reason and outcome. */
export function buildReport(
  plan: ClearingPlan,
  context: { calendar: string; timeZone: string; testMode: boolean; outcomes: Outcomes },
): ClearReport {
  const { calendar, timeZone, testMode, outcomes } = context;
  const item = (
    key: string,
    occurrence: Occurrence,
    winners: Occurrence[],
    action: ReportItem['action'],
    reason: string,
  ): ReportItem => {
    const outcome = testMode ? { status: 'planned' as const } : (outcomes.get(key) ?? { status: 'skipped' as const });
    const [first, ...rest] = winners;
    return {
      event: reportEvent(occurrence, timeZone),
      overlaps_with: first ? reportEvent(first, timeZone) : null,
      also_overlaps: rest.map((w) => reportEvent(w, timeZone)),
      calendar,
      recurrence_id: occurrence.recurrenceId,
      action,
      reason,
      status: outcome.status,
      ...(outcome.error !== undefined && { error: outcome.error }),
    };
  };
  const report = emptyReport(testMode);
  for (const d of plan.deletedCancelled) {
    report.deleted_cancelled_events.push(
      item(decisionKey('cancelled', d.occurrence), d.occurrence, [], 'deleted', 'the event is cancelled (STATUS:CANCELLED)'),
    );
  }
  for (const loser of plan.losers) {
    const key = decisionKey('loser', loser.occurrence);
    if (loser.action === 'delete') {
      report.deleted_overlapping_events.push(item(key, loser.occurrence, loser.overlapsWith, 'deleted', loser.reason));
    } else {
      const action = loser.action === 'decline' ? 'declined' : 'cancelled';
      report.cancelled_overlapping_recurring_events.push(item(key, loser.occurrence, loser.overlapsWith, action, loser.reason));
    }
  }
  for (const pair of plan.ignored) {
    report.ignored_overlapping_events.push({
      ...item('ignored', pair.occurrence, [pair.overlapsWith], 'ignored', 'both events are prioritized; left for a person to resolve'),
      status: testMode ? 'planned' : 'skipped',
    });
  }
  return report;
}

/** The report's list of series the runaway guard cut off (issue 8: reported, not silently dropped). */
export function truncatedReport(
  truncated: ExpandedCalendar['truncated'],
  calendar: string,
  timeZone: string,
): ClearReport['truncated_series'] {
  return truncated.map((t) => ({
    calendar,
    href: t.href,
    uid: t.uid,
    expanded_until: t.expandedUntil ? localIso(t.expandedUntil, timeZone) : null,
    reason: `the series has more than ${t.limit} occurrences before the end of the window; later ones were not checked`,
  }));
}
