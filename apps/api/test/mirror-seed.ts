import { schema, type DatabaseHandle } from '@roombook/db';

/**
 * Writes a calendar's mirror as the worker's refresh would leave it (issue 12), so the API's
 * availability queries can be tested on exact, known data: busy intervals of one object (`href`)
 * and the calendar's sync state. Test-only: in the service only the worker writes the store.
 */
export async function seedBusy(db: DatabaseHandle, calendarId: number, intervals: [string | Date, string | Date][], href = `seed-${calendarId}.ics`): Promise<void> {
  if (intervals.length === 0) return;
  await db.db.insert(schema.busyIntervals).values(intervals.map(([start, end]) => ({ calendarId, href, start: new Date(start), end: new Date(end) })));
}

export interface MirrorState {
  refreshedAt?: Date | null;
  from?: Date | null;
  to?: Date | null;
  error?: string | null;
  failedAt?: Date | null;
}

/** Sets the calendar's mirror state; by default refreshed a minute ago over [yesterday, +365 days). */
export async function seedMirrorState(db: DatabaseHandle, calendarId: number, state: MirrorState = {}): Promise<void> {
  const now = Date.now();
  const refreshedAt = state.refreshedAt === undefined ? new Date(now - 60_000) : state.refreshedAt;
  const from = state.from === undefined ? new Date(now - 86_400_000) : state.from;
  const to = state.to === undefined ? new Date(now + 365 * 86_400_000) : state.to;
  // drizzle leaves timestamps to its own serializers: the raw client takes them as text
  const text = (d: Date | null | undefined) => d?.toISOString() ?? null;
  await db.db.$client`
    UPDATE calendars SET mirror_refreshed_at = ${text(refreshedAt)}, mirror_from = ${text(from)}, mirror_to = ${text(to)},
      mirror_error = ${state.error ?? null}, mirror_failed_at = ${text(state.failedAt)}
    WHERE id = ${calendarId}`;
}

/** Room attributes as `roombook calendar update --capacity/--features/--location` would store them. */
export async function seedAttributes(db: DatabaseHandle, calendarId: number, attributes: { capacity: number | null; features: string[]; location: string | null }): Promise<void> {
  await db.db.$client`
    UPDATE calendars SET capacity = ${attributes.capacity}, features = ${attributes.features}, location = ${attributes.location}
    WHERE id = ${calendarId}`;
}

/** The room's zone (the fixture's rooms are in Berlin). */
export async function seedTimeZone(db: DatabaseHandle, calendarId: number, timeZone: string): Promise<void> {
  await db.db.$client`UPDATE calendars SET time_zone = ${timeZone} WHERE id = ${calendarId}`;
}
