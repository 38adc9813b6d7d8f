import { describe, expect, it } from 'vitest';

import { createPriorityMarker } from '../src/priority-mark.js';

describe('priority marks', () => {
  const marker = createPriorityMarker('test-secret-key-0123456789');
  const booking = { calendarId: 7, uid: 'event-1', start: new Date('2026-12-01T09:00:00Z'), end: new Date('2026-12-01T10:00:00Z') };

  it('verifies the mark of the booking it was made for (milliseconds aside: iCalendar keeps none)', () => {
    expect(marker.verify(booking, marker.mark(booking))).toBe(true);
    expect(marker.verify(booking, ` ${marker.mark(booking)} `)).toBe(true);
    expect(marker.verify(booking, marker.mark({ ...booking, start: new Date('2026-12-01T09:00:00.400Z') }))).toBe(true);
  });

  it('refuses a mark copied onto another event, a tampered one, one made with another key, and none', () => {
    const mark = marker.mark(booking);
    expect(marker.verify({ ...booking, uid: 'event-2' }, mark)).toBe(false);
    expect(marker.verify(booking, mark.slice(0, -1) + (mark.endsWith('A') ? 'B' : 'A'))).toBe(false);
    expect(marker.verify(booking, createPriorityMarker('another-secret-key-456789').mark(booking))).toBe(false);
    expect(marker.verify(booking, null)).toBe(false);
    expect(marker.verify(booking, '')).toBe(false);
  });

  it('refuses the mark on a copy moved to another time or another room', () => {
    const mark = marker.mark(booking);
    const hour = 3_600_000;
    expect(marker.verify({ ...booking, calendarId: 8 }, mark)).toBe(false);
    expect(marker.verify({ ...booking, start: new Date(booking.start.getTime() + hour), end: new Date(booking.end.getTime() + hour) }, mark)).toBe(false);
    expect(marker.verify({ ...booking, end: new Date(booking.end.getTime() + hour) }, mark)).toBe(false);
    expect(marker.verify({ ...booking, start: new Date(booking.start.getTime() - hour) }, mark)).toBe(false);
  });
});
