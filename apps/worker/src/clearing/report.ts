import { localIso } from '@roombook/booking';
import type { ClearingPlan, Occurrence } from '@roombook/booking';
import { emptyReport, type ClearReport, type ReportEvent, type ReportItem } from '@roombook/queue';

import type { ExpandedCalendar } from './occurrences.js';

export type ItemStatus = ReportItem['status'];

/** Where a decision stands after apply: the key is the item's decision key (see decisionKey). */
export type Outcomes = Map<string, { status: ItemStatus; error?: string; mail?: string }>;

export function decisionKey(kind: string, occurrence: Occurrence): string {
  return `${kind}|${occurrence.objectId}|${occurrence.recurrenceId ?? ''}`;
}

export function reportEvent(o: Occurrence, timeZone: string): ReportEvent {
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
  // A winner is listed beside every occurrence it beat (hundreds, for a long series): each
  // occurrence is printed once and its event shared by the items, which serialise the same.
  const events = new Map<Occurrence, ReportEvent>();
  const eventOf = (o: Occurrence) => {
    let event = events.get(o);
    if (!event) events.set(o, (event = reportEvent(o, timeZone)));
    return event;
  };
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
      event: eventOf(occurrence),
      overlaps_with: first ? eventOf(first) : null,
      also_overlaps: rest.map(eventOf),
      calendar,
      recurrence_id: occurrence.recurrenceId,
      action,
      reason,
      status: outcome.status,
      ...(outcome.error !== undefined && { error: outcome.error }),
      ...('mail' in outcome && outcome.mail !== undefined && { mail: outcome.mail }),
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

const CHANGE_LISTS = ['deleted_cancelled_events', 'deleted_overlapping_events', 'cancelled_overlapping_recurring_events'] as const;

/** The report an earlier attempt of this job left in its progress when it stopped, if any. */
export function stoppedReport(progress: unknown): ClearReport | undefined {
  if (typeof progress !== 'object' || progress === null) return undefined;
  const { phase, report } = progress as { phase?: unknown; report?: unknown };
  return phase === 'stopped' && typeof report === 'object' && report !== null ? (report as ClearReport) : undefined;
}

/**
 * Adds to a retry's report what an earlier, stopped attempt of the same job did: the retry
 * re-plans on what is left, so without this its report would not mention objects the first attempt
 * already removed. An item that failed then but whose write a reconcile found applied
 * (`appliedUids`) counts as applied; an item the retry decided again is the retry's.
 */
export function carryOver(report: ClearReport, earlier: ClearReport | undefined, appliedUids: ReadonlySet<string>): void {
  if (!earlier) return;
  for (const list of CHANGE_LISTS) {
    const current = report[list];
    const decided = new Set(current.map((i) => `${i.event.uid}|${i.recurrence_id ?? ''}`));
    const carried: ReportItem[] = [];
    for (const item of earlier[list] ?? []) {
      if (decided.has(`${item.event.uid}|${item.recurrence_id ?? ''}`)) continue;
      if (item.status === 'applied') carried.push(item);
      else if (appliedUids.has(item.event.uid)) {
        const { error: _ignored, ...rest } = item;
        carried.push({ ...rest, status: 'applied' });
      }
    }
    current.unshift(...carried);
  }
}

/** An audit entry as {@link addEarlierWrites} needs it. */
export interface AppliedWrite {
  id: number;
  uid: string;
  recurrenceId: string | null;
  action: string;
  state: string;
  previousIcal: string;
}

/**
 * Adds to the report the writes an earlier attempt of this job made (its applied audit entries)
 * that the report does not list yet: after a crash (kill -9) no stopped report was left behind,
 * and the retry re-plans only on what is left. Each item is rebuilt from the entry's previous text
 * (`expand` turns it into occurrences); which event kept the room is not known any more.
 */
export function addEarlierWrites(
  report: ClearReport,
  writes: readonly AppliedWrite[],
  context: { calendar: string; timeZone: string; expand: (ics: string) => Occurrence[] },
): void {
  const listed = new Set(CHANGE_LISTS.flatMap((list) => report[list].map((i) => `${i.event.uid}|${i.recurrence_id ?? ''}`)));
  const item = (o: Occurrence, action: ReportItem['action'], reason: string): ReportItem => ({
    event: reportEvent(o, context.timeZone),
    overlaps_with: null,
    also_overlaps: [],
    calendar: context.calendar,
    recurrence_id: o.recurrenceId,
    action,
    reason,
    status: 'applied',
  });
  for (const write of writes) {
    if (write.state !== 'applied' || write.action === 'restored') continue;
    let occurrences: Occurrence[];
    try {
      occurrences = context.expand(write.previousIcal);
    } catch {
      continue; // what we removed was readable then; if not now, the audit log still has it
    }
    const reason = `done by an earlier attempt of this job (audit entry ${write.id})`;
    if (write.action === 'deleted') {
      const o = occurrences[0];
      if (!o || listed.has(`${o.uid}|`) || listed.has(`${o.uid}|${o.recurrenceId ?? ''}`)) continue;
      const cancelled = o.status === 'CANCELLED' || o.masterCancelled;
      report[cancelled ? 'deleted_cancelled_events' : 'deleted_overlapping_events'].push(item({ ...o, recurrenceId: null }, 'deleted', reason));
      listed.add(`${o.uid}|`);
      continue;
    }
    for (const recurrenceId of (write.recurrenceId ?? '').split(',').filter(Boolean)) {
      const o = occurrences.find((c) => c.recurrenceId === recurrenceId);
      if (!o || listed.has(`${o.uid}|${recurrenceId}`)) continue;
      report.cancelled_overlapping_recurring_events.push(item(o, write.action === 'declined' ? 'declined' : 'cancelled', reason));
      listed.add(`${o.uid}|${recurrenceId}`);
    }
  }
}

/**
 * One write, one item: a retry's report may list a write twice — once carried over from the earlier
 * attempt (carryOver) and once rebuilt from its audit entry or decided again (addEarlierWrites), with a
 * different representative occurrence when time moved on between the attempts. Items are the same
 * write when uid, recurrence id and action agree; a deletion removes the whole object, so for it the
 * recurrence id (only the representative occurrence) plays no part. The item kept is the first that
 * was applied, else the first.
 */
export function dedupeChanges(report: ClearReport): void {
  const keyOf = (i: ReportItem) => `${i.event.uid}|${i.action === 'deleted' ? '' : (i.recurrence_id ?? '')}|${i.action}`;
  const best = new Map<string, ReportItem>();
  for (const list of CHANGE_LISTS) {
    for (const item of report[list]) {
      const kept = best.get(keyOf(item));
      if (!kept || (kept.status !== 'applied' && item.status === 'applied')) best.set(keyOf(item), item);
    }
  }
  for (const list of CHANGE_LISTS) report[list] = report[list].filter((item) => best.get(keyOf(item)) === item);
}
