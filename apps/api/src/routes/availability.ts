import { busyDuring, checkBookingRules, localIso, mergeBusy, type BusyMs } from '@roombook/booking';
import type { CalendarBusy, RoomMirror } from '@roombook/db';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { rulesOf } from '../lib/booking-policy.js';
import { refreshMirrors, type RefreshOutcome } from '../lib/refresh-mirrors.js';
import { readSpan, spanZone } from '../lib/span.js';
import { TtlCache } from '../lib/ttl-cache.js';
import { problem } from '../problems.js';
import { AvailableQuerySchema, AvailableRoomsSchema, FRESH_TRUE, FreeBusyQuerySchema, FreeBusySchema, MAX_SPAN_DAYS, type AvailableQuery, type FreeBusyQuery } from '../schemas/availability.js';
import { ProblemSchema, commonProblems } from '../schemas/problem.js';

/** Busy intervals grouped by calendar (the query returns them ordered by calendar). */
function byCalendar(rows: readonly CalendarBusy[]): Map<number, BusyMs[]> {
  const grouped = new Map<number, BusyMs[]>();
  for (const row of rows) {
    let list = grouped.get(row.calendarId);
    if (!list) grouped.set(row.calendarId, (list = []));
    list.push(row);
  }
  return grouped;
}

/** The mirror has been read and its window holds the whole span. */
function covers(room: RoomMirror, start: Date, end: Date): boolean {
  return room.mirrorRefreshedAt !== null && room.mirrorFrom !== null && room.mirrorTo !== null && room.mirrorFrom <= start && end <= room.mirrorTo;
}

/** A refresh failed after the last good one: the mirror holds older data than it should. */
function failedSinceRefresh(room: RoomMirror): boolean {
  return room.mirrorFailedAt !== null && (room.mirrorRefreshedAt === null || room.mirrorFailedAt >= room.mirrorRefreshedAt);
}

/**
 * Availability queries (issue 12): free/busy and find-a-room. Both read PostgreSQL only (the
 * calendar store the worker keeps in step with each room's server), never CalDAV, so a kiosk
 * may ask many times a minute; only `fresh=true` queues work.
 */
const availabilityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Same user, same query: the same answer for AVAILABILITY_CACHE_MS (concurrent misses share one
  // computation). Dropped with the access cache, so a revoked grant is not answered from here.
  // Kept serialized: a repeated 20-room answer then costs no JSON serialization either.
  const answers = new TtlCache<string>(app.config.AVAILABILITY_CACHE_MS, 5000);
  app.access.onClear(() => answers.clear());
  /** The answer to this request, from the cache or computed by `compute` and serialized with the route's response schema. */
  async function sendCachedAnswer(request: FastifyRequest, reply: FastifyReply, compute: () => Promise<unknown>): Promise<FastifyReply> {
    const key = `${request.user!.id}\u0000${request.url}`;
    const json = await answers.get(key, async () => reply.serialize(await compute()) as string);
    // a string is sent as it is, not serialized again
    return reply.type('application/json; charset=utf-8').send(json);
  }

  /** The calendars asked for (all of the user's without `calendars`); one not granted is 404. */
  async function requestedRooms(userId: number, query: FreeBusyQuery): Promise<RoomMirror[]> {
    const slugs = query.calendars === undefined ? undefined : [...new Set(query.calendars.split(','))];
    const rooms = await app.availability.roomsForUser(userId, slugs);
    if (slugs) {
      const granted = new Set(rooms.map((r) => r.slug));
      const missing = slugs.filter((s) => !granted.has(s));
      if (missing.length > 0) throw problem.notFound(`no calendar ${missing.map((s) => `"${s}"`).join(', ')}`);
    }
    return rooms;
  }

  /** The free/busy answer from the store as it is now; `refreshed` says how each `fresh=true` refresh went. */
  async function freeBusy(userId: number, query: FreeBusyQuery, refreshed?: Map<number, RefreshOutcome>) {
    const rooms = await requestedRooms(userId, query);
    const zone = spanZone(query.timezone, rooms.map((r) => r.timeZone), app.config.TIME_ZONE);
    const { start, end } = readSpan(query, zone, MAX_SPAN_DAYS);
    const busy = byCalendar(await app.availability.busyIntervals(rooms.map((r) => r.id), start, end));
    const startMs = start.getTime();
    const endMs = end.getTime();
    return {
      start: localIso(start, zone),
      end: localIso(end, zone),
      calendars: rooms.map((room) => {
        const tz = room.timeZone;
        const refresh = refreshed?.get(room.id);
        const failed = failedSinceRefresh(room);
        return {
          calendar: room.slug,
          busy: mergeBusy(busy.get(room.id) ?? [], startMs, endMs).map((b) => ({ start: localIso(b.startMs, tz), end: localIso(b.endMs, tz) })),
          as_of: room.mirrorRefreshedAt && localIso(room.mirrorRefreshedAt, tz),
          stale: room.mirrorRefreshedAt === null || failed || (refresh !== undefined && refresh !== 'done'),
          complete: covers(room, start, end),
          window: room.mirrorFrom && room.mirrorTo && { from: localIso(room.mirrorFrom, tz), to: localIso(room.mirrorTo, tz) },
          error: failed ? { message: room.mirrorError ?? 'the last refresh failed', at: localIso(room.mirrorFailedAt!, tz) } : null,
          ...(refresh !== undefined && { refresh }),
        };
      }),
    };
  }

  /** The caller's rooms free for the whole span that match and could be booked for it. */
  async function availableRooms(userId: number, query: AvailableQuery) {
    const rooms = await app.availability.roomsForUser(userId);
    const zone = spanZone(query.timezone, rooms.map((r) => r.timeZone), app.config.TIME_ZONE);
    const { start, end } = readSpan(query, zone, MAX_SPAN_DAYS);
    const capacity = query.capacity === undefined ? undefined : Number(query.capacity);
    const wanted = query.features === undefined ? [] : query.features.split(',').map((f) => f.trim().toLowerCase());
    const now = new Date();
    const candidates = rooms.filter((room) => {
      if (capacity !== undefined && (room.capacity === null || room.capacity < capacity)) return false;
      const offered = new Set(room.features.map((f) => f.toLowerCase()));
      if (!wanted.every((f) => offered.has(f))) return false;
      if (!covers(room, start, end)) return false;
      return checkBookingRules({ start, end }, rulesOf(room), { now, timeZone: room.timeZone }) === null;
    });
    const busy = byCalendar(await app.availability.busyIntervals(candidates.map((r) => r.id), start, end));
    return candidates
      .filter((room) => !busyDuring(busy.get(room.id) ?? [], start.getTime(), end.getTime()))
      .map((room) => ({
        calendar: room.slug,
        name: room.displayName,
        capacity: room.capacity,
        features: room.features,
        location: room.location,
        as_of: localIso(room.mirrorRefreshedAt!, room.timeZone),
      }));
  }

  app.get(
    '/api/freebusy',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['availability'],
        summary: 'When rooms are busy',
        description: `Busy times of the named calendars (or all of the caller's) within [start, end), at most ${MAX_SPAN_DAYS} days, from the calendar store: as the rooms' servers held them at \`as_of\`, under the clearing rules (cancelled, declined and transparent events are free; back-to-back events are one interval). A calendar that is not the caller's is 404. \`fresh=true\` first refreshes them and waits up to 10 s.`,
        querystring: FreeBusyQuerySchema,
        response: { 200: FreeBusySchema, ...commonProblems, 429: ProblemSchema },
      },
    },
    async (request, reply) => {
      const userId = request.user!.id;
      const query = request.query;
      const fresh = query.fresh !== undefined && FRESH_TRUE.has(query.fresh.toLowerCase());
      if (!fresh) return sendCachedAnswer(request, reply, () => freeBusy(userId, query));
      // A refresh costs the room's server a request: it counts like booking and cancelling.
      const rooms = await requestedRooms(userId, query);
      readSpan(query, spanZone(query.timezone, rooms.map((r) => r.timeZone), app.config.TIME_ZONE), MAX_SPAN_DAYS);
      await app.jobRateLimit(request, reply);
      const refreshed = await refreshMirrors(app, request, rooms.map((r) => r.id));
      return freeBusy(userId, query, refreshed);
    },
  );

  app.get(
    '/api/rooms/available',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['availability'],
        summary: 'Find a free room',
        description: `The caller's rooms that are free for the whole of [start, end) (at most ${MAX_SPAN_DAYS} days), seat at least \`capacity\`, offer every one of \`features\`, and could be booked for that span under their booking rules. Read from the calendar store; a room whose mirror was never read or does not cover the span is left out, since nothing is known of it.`,
        querystring: AvailableQuerySchema,
        response: { 200: AvailableRoomsSchema, ...commonProblems },
      },
    },
    async (request, reply) => {
      const userId = request.user!.id;
      return sendCachedAnswer(request, reply, () => availableRooms(userId, request.query));
    },
  );
};

export default availabilityRoutes;
