import type { NotifyPayload } from '@roombook/queue';
import { describe, expect, it } from 'vitest';

import { mailJobId } from '../src/clearing/notifications.js';

const mail = (uid: string, recurrenceId: string | null, calendarId = 7): NotifyPayload => ({
  calendarId,
  clearJobId: 'clear-1',
  to: 'sales@example.org',
  event: {
    uid, recurrence_id: recurrenceId, name: 'Sales', start: '2027-01-04T10:00:00.000Z', end: '2027-01-04T11:00:00.000Z', created: null,
    organizer: 'sales@example.org', is_deleted: true, is_cancelled: false, is_recurring: false, is_priorized: false, is_deprioritized: false,
  },
  overlap_events: [],
});

describe('mail job ids (issue 7 point 4)', () => {
  it('are the same for the same calendar, occurrence and audit entry, whichever clear job queues them', () => {
    expect(mailJobId({ ...mail('a@b:c', null), clearJobId: 'first' }, 12)).toBe(mailJobId({ ...mail('a@b:c', null), clearJobId: 'retry' }, 12));
  });

  it('differ by calendar, UID, recurrence id and audit entry, and never contain ":" (BullMQ refuses it)', () => {
    const ids = [
      mailJobId(mail('u', null), 1),
      mailJobId(mail('u', null), 2),
      mailJobId(mail('u', '20270104T100000Z'), 1),
      mailJobId(mail('u', '20270111T100000Z'), 1),
      mailJobId(mail('v', null), 1),
      mailJobId(mail('u', null, 8), 1),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).not.toContain(':');
  });
});
