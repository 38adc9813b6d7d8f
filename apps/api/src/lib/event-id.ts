import { generate } from 'short-uuid';

/** A 22-character short UUID (flickrBase58 of a v4 UUID), used as both event id and iCalendar UID. */
export function newEventId(): string {
  return generate();
}
