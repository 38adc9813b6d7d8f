import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Proof that an event was booked as prioritized through the API: an HMAC of its UID under
 * SECRET_KEY, written as X-ROOMBOOK-PRIORITY. Unlike a priority token in the DESCRIPTION, it
 * cannot be copied onto another event (the UID differs) nor made up without the key, and it
 * reveals nothing that would let anyone prioritize their own bookings.
 */
export function createPriorityMarker(secretKey: string) {
  const mark = (uid: string) => createHmac('sha256', secretKey).update(`roombook/priority/v1:${uid}`).digest('base64url');
  return {
    mark,
    verify(uid: string, candidate: string | null): boolean {
      if (!candidate) return false;
      const expected = Buffer.from(mark(uid));
      const given = Buffer.from(candidate.trim());
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
  };
}

export type PriorityMarker = ReturnType<typeof createPriorityMarker>;
