import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a priority mark is bound to: the booking as it was made, in the calendar it was made in. */
export interface MarkedBooking {
  calendarId: number;
  uid: string;
  start: Date;
  end: Date;
}

/** Whole seconds: iCalendar keeps no fractions, so the mark must not depend on them. */
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/**
 * Proof that an event was booked as prioritized through the API: an HMAC under SECRET_KEY of the
 * calendar, the UID, the start and the end, written as X-ROOMBOOK-PRIORITY. Unlike a priority
 * token in the DESCRIPTION, it cannot be made up without the key, and it holds only for that
 * booking: a copy moved to another time or room, or given another UID, loses it (issue 10).
 */
export function createPriorityMarker(secretKey: string) {
  const mark = (booking: MarkedBooking) =>
    createHmac('sha256', secretKey)
      .update(`roombook/priority/v2:${booking.calendarId}:${booking.uid}:${seconds(booking.start)}:${seconds(booking.end)}`)
      .digest('base64url');
  return {
    mark,
    verify(booking: MarkedBooking, candidate: string | null): boolean {
      if (!candidate) return false;
      const expected = Buffer.from(mark(booking));
      const given = Buffer.from(candidate.trim());
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
  };
}

export type PriorityMarker = ReturnType<typeof createPriorityMarker>;
