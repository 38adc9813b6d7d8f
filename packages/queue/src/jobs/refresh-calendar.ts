import { Type, type Static } from 'typebox';

/** Bring one calendar's store up to date with its server (sync-collection, else ctag/ETag listing). */
export const RefreshCalendarPayload = Type.Object({
  calendarId: Type.Integer(),
  /** why: `schedule` (every MIRROR_REFRESH_SECONDS), `write` (after one of our own writes), `request` (`fresh=true`) */
  reason: Type.Union([Type.Literal('schedule'), Type.Literal('write'), Type.Literal('request')]),
});
export type RefreshCalendarPayload = Static<typeof RefreshCalendarPayload>;

export const RefreshCalendarResult = Type.Object({
  /**
   * how the server was asked: `sync-token` (the sync-collection REPORT from the stored token listed
   * no change) or `ctag` (one PROPFIND: the ctag is the stored one), `sync-collection` (RFC 6578
   * changes since the stored token), `etags` (full ETag listing: the token was refused, or the
   * listing was due), or `full` (first read)
   */
  method: Type.String(),
  unchanged: Type.Boolean({ description: 'nothing changed on the server since the last refresh' }),
  fetched: Type.Integer({ description: 'objects read from the server' }),
  removed: Type.Integer({ description: 'objects gone from the server' }),
  objects: Type.Integer({ description: 'objects in the store after the refresh' }),
  refreshed_at: Type.String({ format: 'date-time' }),
});
export type RefreshCalendarResult = Static<typeof RefreshCalendarResult>;
