import { emptyReport, type ClearReport, type ReportItem } from '@roombook/queue';
import { describe, expect, it } from 'vitest';

import { expandOne, type ExpandSettings } from '../src/clearing/occurrences.js';
import { addEarlierWrites, carryOver, dedupeChanges } from '../src/clearing/report.js';

const settings: ExpandSettings = {
  from: new Date('2030-01-01T00:00:00Z'),
  to: new Date('2030-03-01T00:00:00Z'),
  timeZone: 'Europe/Berlin',
  roomAddresses: [],
  isPriorityMarkValid: () => false,
};

/** A weekly series its organizer cancelled: the clear deletes the whole object. */
const cancelledSeries = [
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//roombook//tests//EN', 'BEGIN:VEVENT', 'UID:weekly-standup',
  'DTSTAMP:20291201T080000Z', 'CREATED:20291201T080000Z', 'DTSTART:20300101T090000Z', 'DTEND:20300101T093000Z',
  'RRULE:FREQ=WEEKLY', 'SUMMARY:Stand-up', 'STATUS:CANCELLED', 'END:VEVENT', 'END:VCALENDAR', '',
].join('\r\n');

function item(p: Partial<ReportItem> & Pick<ReportItem, 'recurrence_id' | 'action' | 'status'>): ReportItem {
  return {
    event: { uid: 'weekly-standup', name: 'Stand-up', start: '2030-01-08T10:00:00+01:00', end: '2030-01-08T10:30:00+01:00', created: null, organizer: null, recurrence_id: p.recurrence_id },
    overlaps_with: null,
    also_overlaps: [],
    calendar: 'room-1',
    reason: 'the event is cancelled (STATUS:CANCELLED)',
    ...p,
  };
}

describe('a retried clear lists each write once', () => {
  it('a deletion carried from the stopped attempt and rebuilt from its audit entry is one item, the applied one', () => {
    // The first attempt deleted the series (its representative occurrence was the 8 January one), then stopped.
    const earlier: ClearReport = emptyReport(false);
    earlier.deleted_cancelled_events.push(item({ recurrence_id: '2030-01-08T09:00:00.000Z', action: 'deleted', status: 'applied' }));
    const report = emptyReport(false);
    carryOver(report, earlier, new Set());
    // The retry finds the write in the audit log too; expanded now, its first occurrence is another one.
    addEarlierWrites(report, [{ id: 7, uid: 'weekly-standup', recurrenceId: null, action: 'deleted', state: 'applied', previousIcal: cancelledSeries }], {
      calendar: 'room-1',
      timeZone: 'Europe/Berlin',
      expand: (ics) => expandOne({ href: 'earlier', etag: null, data: ics }, settings),
    });
    expect(report.deleted_cancelled_events).toHaveLength(2); // the duplicate seen under load

    dedupeChanges(report);
    expect(report.deleted_cancelled_events).toEqual([earlier.deleted_cancelled_events[0]]);
  });

  it('keeps the applied item over a failed one for the same occurrence, and distinct occurrences and actions apart', () => {
    const report = emptyReport(false);
    report.cancelled_overlapping_recurring_events.push(
      item({ recurrence_id: '2030-01-15T09:00:00.000Z', action: 'declined', status: 'failed', error: 'the CalDAV server did not answer in time' }),
      item({ recurrence_id: '2030-01-15T09:00:00.000Z', action: 'declined', status: 'applied' }),
      item({ recurrence_id: '2030-01-22T09:00:00.000Z', action: 'declined', status: 'applied' }),
      item({ recurrence_id: '2030-01-22T09:00:00.000Z', action: 'cancelled', status: 'applied' }),
    );
    dedupeChanges(report);
    expect(report.cancelled_overlapping_recurring_events.map((i) => [i.recurrence_id, i.action, i.status])).toEqual([
      ['2030-01-15T09:00:00.000Z', 'declined', 'applied'],
      ['2030-01-22T09:00:00.000Z', 'declined', 'applied'],
      ['2030-01-22T09:00:00.000Z', 'cancelled', 'applied'],
    ]);
  });
});
