import { asc, eq, sql } from 'drizzle-orm';

import type { Database } from '../client.js';
import { busyIntervals, calendarUsers, calendars } from '../schema/index.js';

/**
 * A room as the availability queries see it (issue 12): its attributes, booking rules and the
 * state of its mirror. No URL, credentials or sync tokens.
 */
export interface RoomMirror {
  id: number;
  slug: string;
  displayName: string;
  timeZone: string;
  capacity: number | null;
  features: string[];
  location: string | null;
  maxDaysAhead: number | null;
  minMinutes: number | null;
  maxMinutes: number | null;
  openingHours: string | null;
  /** when the mirror last agreed with the server; null = never read */
  mirrorRefreshedAt: Date | null;
  /** the window the busy intervals cover, [from, to) */
  mirrorFrom: Date | null;
  mirrorTo: Date | null;
  /** the last failed refresh (the mirror keeps its last good data) */
  mirrorError: string | null;
  mirrorFailedAt: Date | null;
}

/** A busy interval of one calendar, on epoch milliseconds. */
export interface CalendarBusy {
  calendarId: number;
  startMs: number;
  endMs: number;
}

const roomColumns = {
  id: calendars.id,
  slug: calendars.slug,
  displayName: calendars.displayName,
  timeZone: calendars.timeZone,
  capacity: calendars.capacity,
  features: calendars.features,
  location: calendars.location,
  maxDaysAhead: calendars.maxDaysAhead,
  minMinutes: calendars.minMinutes,
  maxMinutes: calendars.maxMinutes,
  openingHours: calendars.openingHours,
  mirrorRefreshedAt: calendars.mirrorRefreshedAt,
  mirrorFrom: calendars.mirrorFrom,
  mirrorTo: calendars.mirrorTo,
  mirrorError: calendars.mirrorError,
  mirrorFailedAt: calendars.mirrorFailedAt,
};

/**
 * The read side of the calendar store for the API's availability queries (issue 12). The worker
 * writes the store; these are the only reads the free/busy and find-a-room routes make.
 */
export function createAvailabilityRepository(db: Database) {
  const roomsOfUser = db
    .select(roomColumns)
    .from(calendars)
    .innerJoin(calendarUsers, eq(calendarUsers.calendarId, calendars.id))
    .where(eq(calendarUsers.userId, sql.placeholder('userId')))
    .orderBy(asc(calendars.slug))
    .prepare('availability_rooms_of_user');

  return {
    /**
     * The user's rooms with their mirror state, by slug order: all of them, or those of `slugs`
     * that are granted to the user (a slug not granted is simply absent: the caller says 404).
     * One prepared statement for both: a user has few rooms, and the query is not rebuilt per request.
     */
    async roomsForUser(userId: number, slugs?: readonly string[]): Promise<RoomMirror[]> {
      const rooms = await roomsOfUser.execute({ userId });
      if (slugs === undefined) return rooms;
      const wanted = new Set(slugs);
      return rooms.filter((room) => wanted.has(room.slug));
    },

    /**
     * Every busy interval of these calendars that overlaps [start, end) (touching is not
     * overlapping), in one query, by calendar and start. `start < end AND end > start` walks the
     * (calendar_id, start) index up to `end`; the mirror begins today, so a query for the coming
     * days reads little more than what it returns. Each calendar comes back as one row of two
     * epoch-millisecond arrays: parsing 20 rows of numbers instead of ~800 rows of timestamp text
     * was most of the API's time per free/busy answer (issue 12 benchmark). date_part, not
     * extract: extract computes in numeric since PostgreSQL 14, ten times slower here.
     */
    async busyIntervals(calendarIds: readonly number[], start: Date, end: Date): Promise<CalendarBusy[]> {
      if (calendarIds.length === 0) return [];
      const rows = await db.execute<{ calendar_id: number; starts: number[]; ends: number[] }>(sql`
        SELECT calendar_id,
          array_agg(date_part('epoch', start) * 1000 ORDER BY start, "end") AS starts,
          array_agg(date_part('epoch', "end") * 1000 ORDER BY start, "end") AS ends
        FROM ${busyIntervals}
        WHERE calendar_id = ANY(${`{${calendarIds.join(',')}}`}::int[])
          AND start < ${end.toISOString()}::timestamptz AND "end" > ${start.toISOString()}::timestamptz
        GROUP BY calendar_id
        ORDER BY calendar_id`);
      const busy: CalendarBusy[] = [];
      for (const row of rows) {
        for (let i = 0; i < row.starts.length; i++) busy.push({ calendarId: row.calendar_id, startMs: row.starts[i]!, endMs: row.ends[i]! });
      }
      return busy;
    },
  };
}

export type AvailabilityRepository = ReturnType<typeof createAvailabilityRepository>;
