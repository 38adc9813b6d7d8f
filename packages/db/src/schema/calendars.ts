import { boolean, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

import { users } from './users.js';

export const emailTemplates = pgTable('email_templates', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  name: text().notNull().unique(),
  /** Liquid template for the subject line. */
  subject: text().notNull(),
  /** Liquid template that renders to MJML. */
  body: text().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** A room: one CalDAV calendar collection and the credentials to reach it. */
export const calendars = pgTable('calendars', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  slug: text().notNull().unique(),
  displayName: text().notNull(),
  url: text().notNull(),
  username: text().notNull(),
  /** AES-256-GCM ciphertext of the CalDAV password (see secret-box.ts); never the plain text. */
  passwordEncrypted: text().notNull(),
  timeZone: text().notNull().default('UTC'),
  /**
   * The room's calendar-user address. When an event invites it as an ATTENDEE, a lost occurrence
   * is declined (the server tells the organizer); otherwise it is cancelled (shared calendars).
   */
  roomEmail: text(),
  /** Mail losing organizers after a clear. */
  mailEnabled: boolean().notNull().default(true),
  /** Template to mail with; null = the built-in default template. */
  templateId: integer().references(() => emailTemplates.id, { onDelete: 'set null' }),
  autoClear: boolean().notNull().default(false),
  /** Seconds between scheduled clears when autoClear is on. */
  clearIntervalSeconds: integer().notNull().default(3600),
  horizonDays: integer().notNull().default(365),
  /**
   * Seed-compatible cancelling (issue 10): anyone granted the room may cancel any booking in it.
   * Off by default: only the booking's maker and the calendar's managers may.
   */
  openDelete: boolean().notNull().default(false),
  /**
   * The CalDAV client may reach link-local / cloud metadata addresses (169.254.0.0/16, fe80::/10)
   * for this calendar. Off by default: a stored URL must not become a way into the host's metadata.
   */
  allowPrivateAddress: boolean().notNull().default(false),
  /** Booking policy (issue 11): `reject` refuses a clashing booking when it is made, `allow` books and leaves it to the clear. */
  conflictPolicy: text({ enum: ['reject', 'allow'] }).notNull().default('reject'),
  /** Clashing occurrences a series may leave out (EXDATE) instead of being refused; 0 = none. */
  seriesMaxConflicts: integer().notNull().default(0),
  /** Booking rules; null = no limit. */
  maxDaysAhead: integer(),
  minMinutes: integer(),
  maxMinutes: integer(),
  /** e.g. `Mon-Fri 07:00-20:00, Sat 09:00-13:00`, wall-clock time in timeZone */
  openingHours: text(),
  /** Room attributes for find-a-room (issue 12); null / empty = not stated. */
  capacity: integer(),
  features: text().array().notNull().default([]),
  location: text(),
  /**
   * The calendar store's sync state (issue 12): when its objects were last read in full agreement
   * with the server, the server's tokens for a cheap "anything changed?" check, and the window the
   * busy intervals cover. A failed refresh keeps the last good data and records why here.
   */
  mirrorRefreshedAt: timestamp({ withTimezone: true }),
  mirrorSyncToken: text(),
  mirrorCtag: text(),
  /**
   * When the store last compared every member and ETag with the server (a listing), as opposed to
   * trusting a sync answer: scheduled refreshes list again once this is an hour old.
   */
  mirrorListedAt: timestamp({ withTimezone: true }),
  mirrorFrom: timestamp({ withTimezone: true }),
  mirrorTo: timestamp({ withTimezone: true }),
  mirrorError: text(),
  mirrorFailedAt: timestamp({ withTimezone: true }),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const calendarUsers = pgTable(
  'calendar_users',
  {
    calendarId: integer()
      .notNull()
      .references(() => calendars.id, { onDelete: 'cascade' }),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** May cancel every booking in the room and sees organizers in clear reports (issue 10). */
    manage: boolean().notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.calendarId, t.userId] })],
);

/**
 * Who made each booking through the API (issue 10): the maker may cancel it without the manage
 * grant. Events on the server without a row here were written by other clients.
 */
export const bookings = pgTable(
  'bookings',
  {
    calendarId: integer()
      .notNull()
      .references(() => calendars.id, { onDelete: 'cascade' }),
    uid: text().notNull(),
    userId: integer().references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.calendarId, t.uid] })],
);
