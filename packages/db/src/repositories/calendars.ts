import { and, asc, count, eq, isNull, sql } from 'drizzle-orm';

import type { Database } from '../client.js';
import { NotFoundError, unique } from '../errors.js';
import { auditLog, bookings, calendarUsers, calendars, emailTemplates, priorityTokens, users, webhooks } from '../schema/index.js';
import { SecretUnreadableError, type SecretBox } from '../secret-box.js';

export type CalendarRow = typeof calendars.$inferSelect;
/** A calendar as the API may show it: no URL credentials, no ciphertext. */
export type PublicCalendar = Pick<CalendarRow, 'id' | 'slug' | 'displayName' | 'timeZone'> & BookingPolicy & RoomAttributes;

/** A calendar's booking policy (issue 11): conflict handling and booking rules; null = no limit. */
export type BookingPolicy = Pick<CalendarRow, 'conflictPolicy' | 'seriesMaxConflicts' | 'maxDaysAhead' | 'minMinutes' | 'maxMinutes' | 'openingHours'>;
/** Room attributes (issue 12): what find-a-room filters on; null / empty = not stated. */
export type RoomAttributes = Pick<CalendarRow, 'capacity' | 'features' | 'location'>;
/** A calendar with its password decrypted, for the worker's CalDAV calls only. */
export type CalendarWithCredentials = Omit<CalendarRow, 'passwordEncrypted'> & { password: string };

export interface CalendarInput {
  slug: string;
  displayName?: string | undefined;
  url: string;
  username: string;
  password: string;
  timeZone?: string | undefined;
  roomEmail?: string | undefined;
  autoClear?: boolean | undefined;
  clearIntervalSeconds?: number | undefined;
  horizonDays?: number | undefined;
  openDelete?: boolean | undefined;
  allowPrivateAddress?: boolean | undefined;
  /** defaults: conflicts rejected, no series skips, no rules */
  policy?: Partial<BookingPolicy> | undefined;
  /** defaults: nothing stated */
  attributes?: Partial<RoomAttributes> | undefined;
}

export interface CalendarUpdate {
  displayName?: string | undefined;
  url?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  timeZone?: string | undefined;
  /** null removes it */
  roomEmail?: string | null | undefined;
  autoClear?: boolean | undefined;
  clearIntervalSeconds?: number | undefined;
  horizonDays?: number | undefined;
  mailEnabled?: boolean | undefined;
  /** Template name; null restores the built-in default. */
  template?: string | null | undefined;
  openDelete?: boolean | undefined;
  allowPrivateAddress?: boolean | undefined;
  /** the parts to change; a rule set to null is removed */
  policy?: Partial<BookingPolicy> | undefined;
  /** the attributes to change; null (or [] for features) removes one */
  attributes?: Partial<RoomAttributes> | undefined;
}

/** What a user may do in a calendar beyond booking (issue 10). */
export interface CalendarAccess {
  /** holds the manage grant: cancels any booking, sees organizers in clear reports */
  manage: boolean;
  /** the calendar lets anyone granted it cancel any booking (seed behaviour) */
  openDelete: boolean;
}

const publicColumns = {
  id: calendars.id,
  slug: calendars.slug,
  displayName: calendars.displayName,
  timeZone: calendars.timeZone,
  conflictPolicy: calendars.conflictPolicy,
  seriesMaxConflicts: calendars.seriesMaxConflicts,
  maxDaysAhead: calendars.maxDaysAhead,
  minMinutes: calendars.minMinutes,
  maxMinutes: calendars.maxMinutes,
  openingHours: calendars.openingHours,
  capacity: calendars.capacity,
  features: calendars.features,
  location: calendars.location,
};

/** The policy fields (or attributes) that were given (undefined = leave as is; null = remove the rule). */
function definedOnly<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as T;
}

export function createCalendarsRepository(db: Database, secrets?: SecretBox) {
  // Prepared (postgres.js caches each per connection): drizzle's other queries go out unprepared,
  // and postgres.js then sends a parameterised one in two round trips (Parse/Describe, wait for
  // the parameter types, then Bind/Execute). These two are on every booking's way to its PUT
  // (issue 9); built on first use, since the service makes a repository per operation.
  let byIdQuery: ReturnType<typeof prepareById> | undefined;
  const prepareById = () => db.select().from(calendars).where(eq(calendars.id, sql.placeholder('id'))).prepare('calendar_by_id');
  let recordBookingQuery: ReturnType<typeof prepareRecordBooking> | undefined;
  const prepareRecordBooking = () =>
    db
      .insert(bookings)
      .values({
        calendarId: sql.placeholder('calendarId'),
        uid: sql.placeholder('uid'),
        userId: sql`(select ${users.id} from ${users} where ${users.id} = ${sql.placeholder('userId')})`,
      })
      .onConflictDoNothing()
      .prepare('record_booking');

  function box(): SecretBox {
    if (!secrets) throw new Error('SECRET_KEY is required to read or write CalDAV passwords');
    return secrets;
  }

  async function requireBySlug(slug: string): Promise<CalendarRow> {
    const [row] = await db.select().from(calendars).where(eq(calendars.slug, slug));
    if (!row) throw new NotFoundError(`unknown calendar "${slug}"`);
    return row;
  }

  async function requireById(id: number): Promise<CalendarRow> {
    const [row] = await (byIdQuery ??= prepareById()).execute({ id });
    if (!row) throw new NotFoundError(`calendar ${id} no longer exists`);
    return row;
  }

  return {
    requireBySlug,

    requireById,

    /** Calendars cleared on a schedule, for the worker's scheduler sync. */
    listAutoClear(): Promise<Pick<CalendarRow, 'id' | 'slug' | 'clearIntervalSeconds'>[]> {
      return db
        .select({ id: calendars.id, slug: calendars.slug, clearIntervalSeconds: calendars.clearIntervalSeconds })
        .from(calendars)
        .where(eq(calendars.autoClear, true));
    },

    async create(input: CalendarInput): Promise<CalendarRow> {
      const [row] = await unique(
        db
          .insert(calendars)
          .values({
            slug: input.slug,
            displayName: input.displayName ?? input.slug,
            url: input.url,
            username: input.username,
            passwordEncrypted: box().encrypt(input.password),
            timeZone: input.timeZone ?? 'UTC',
            roomEmail: input.roomEmail ?? null,
            autoClear: input.autoClear ?? false,
            clearIntervalSeconds: input.clearIntervalSeconds ?? 3600,
            horizonDays: input.horizonDays ?? 365,
            openDelete: input.openDelete ?? false,
            allowPrivateAddress: input.allowPrivateAddress ?? false,
            ...definedOnly(input.policy ?? {}),
            ...definedOnly(input.attributes ?? {}),
          })
          .returning(),
        `calendar "${input.slug}" already exists`,
      );
      return row!;
    },

    async update(slug: string, change: CalendarUpdate): Promise<CalendarRow> {
      await requireBySlug(slug);
      const set: Partial<typeof calendars.$inferInsert> = {};
      if (change.displayName !== undefined) set.displayName = change.displayName;
      if (change.url !== undefined) set.url = change.url;
      if (change.username !== undefined) set.username = change.username;
      if (change.password !== undefined) set.passwordEncrypted = box().encrypt(change.password);
      if (change.timeZone !== undefined) set.timeZone = change.timeZone;
      if (change.roomEmail !== undefined) set.roomEmail = change.roomEmail;
      if (change.autoClear !== undefined) set.autoClear = change.autoClear;
      if (change.clearIntervalSeconds !== undefined) set.clearIntervalSeconds = change.clearIntervalSeconds;
      if (change.horizonDays !== undefined) set.horizonDays = change.horizonDays;
      if (change.mailEnabled !== undefined) set.mailEnabled = change.mailEnabled;
      if (change.openDelete !== undefined) set.openDelete = change.openDelete;
      if (change.allowPrivateAddress !== undefined) set.allowPrivateAddress = change.allowPrivateAddress;
      Object.assign(set, definedOnly(change.policy ?? {}), definedOnly(change.attributes ?? {}));
      if (change.template === null) set.templateId = null;
      else if (change.template !== undefined) {
        const [template] = await db
          .select({ id: emailTemplates.id })
          .from(emailTemplates)
          .where(eq(emailTemplates.name, change.template));
        if (!template) throw new NotFoundError(`unknown template "${change.template}"`);
        set.templateId = template.id;
        set.mailEnabled = true;
      }
      if (Object.keys(set).length === 0) return requireBySlug(slug);
      const [row] = await db.update(calendars).set(set).where(eq(calendars.slug, slug)).returning();
      return row!;
    },

    list(): Promise<CalendarRow[]> {
      return db.select().from(calendars).orderBy(asc(calendars.slug));
    },

    /**
     * Grants the calendar to the user. `manage` undefined keeps an existing grant's manage flag
     * (a plain re-grant must not demote a manager); true or false sets it.
     */
    async grant(slug: string, userName: string, options: { manage?: boolean | undefined } = {}): Promise<void> {
      const calendar = await requireBySlug(slug);
      const [user] = await db.select().from(users).where(eq(users.name, userName));
      if (!user) throw new NotFoundError(`unknown user "${userName}"`);
      const insert = db.insert(calendarUsers).values({ calendarId: calendar.id, userId: user.id, manage: options.manage ?? false });
      if (options.manage === undefined) await insert.onConflictDoNothing();
      else await insert.onConflictDoUpdate({ target: [calendarUsers.calendarId, calendarUsers.userId], set: { manage: options.manage } });
    },

    /** The user's rights in a calendar granted to them; undefined when it is not granted. */
    async accessFor(userId: number, calendarId: number): Promise<CalendarAccess | undefined> {
      const [row] = await db
        .select({ manage: calendarUsers.manage, openDelete: calendars.openDelete })
        .from(calendarUsers)
        .innerJoin(calendars, eq(calendars.id, calendarUsers.calendarId))
        .where(and(eq(calendarUsers.userId, userId), eq(calendarUsers.calendarId, calendarId)));
      return row;
    },

    /**
     * Records that the user made the booking with this UID through the API (its owner may cancel
     * it). The worker calls it before writing the event, on every attempt: a UID recorded already
     * is kept as it was. A user deleted since they booked is recorded as null, like a user deleted
     * afterwards (the foreign key would otherwise fail the booking).
     */
    async recordBooking(calendarId: number, uid: string, userId: number): Promise<void> {
      await (recordBookingQuery ??= prepareRecordBooking()).execute({ calendarId, uid, userId });
    },

    /** Who booked this UID through the API: a user id, null (the user was deleted), undefined (not booked through the API). */
    async bookingOwner(calendarId: number, uid: string): Promise<number | null | undefined> {
      const [row] = await db
        .select({ userId: bookings.userId })
        .from(bookings)
        .where(and(eq(bookings.calendarId, calendarId), eq(bookings.uid, uid)));
      return row ? row.userId : undefined;
    },

    /**
     * Re-encrypts every stored CalDAV password from this repository's key to `next`, in one
     * transaction: all are rotated or, when one cannot be read with the current key, none is.
     */
    async rotateSecrets(next: SecretBox): Promise<{ rotated: string[]; webhooks: number[] }> {
      const current = box();
      return db.transaction(async (tx) => {
        // FOR UPDATE: a calendar update racing the rotation must not store a password under the old key.
        const rows = await tx.select({ id: calendars.id, slug: calendars.slug, passwordEncrypted: calendars.passwordEncrypted }).from(calendars).orderBy(asc(calendars.slug)).for('update');
        for (const row of rows) {
          let plain: string;
          try {
            plain = current.decrypt(row.passwordEncrypted);
          } catch (error) {
            throw new SecretUnreadableError(`calendar "${row.slug}": ${(error as Error).message}`);
          }
          await tx.update(calendars).set({ passwordEncrypted: next.encrypt(plain) }).where(eq(calendars.id, row.id));
        }
        // Webhook signing secrets are sealed with the same key (issue 12): they move with it.
        const hooks = await tx.select({ id: webhooks.id, secretEncrypted: webhooks.secretEncrypted }).from(webhooks).orderBy(asc(webhooks.id)).for('update');
        for (const hook of hooks) {
          let plain: string;
          try {
            plain = current.decrypt(hook.secretEncrypted);
          } catch (error) {
            throw new SecretUnreadableError(`webhook ${hook.id}: ${(error as Error).message}`);
          }
          await tx.update(webhooks).set({ secretEncrypted: next.encrypt(plain) }).where(eq(webhooks.id, hook.id));
        }
        return { rotated: rows.map((r) => r.slug), webhooks: hooks.map((h) => h.id) };
      });
    },

    /** Every room address and user e-mail: their domains may receive mail when MAIL_ALLOWED_DOMAINS is empty. */
    async knownMailAddresses(): Promise<string[]> {
      const rooms = await db.select({ address: calendars.roomEmail }).from(calendars);
      const people = await db.select({ address: users.email }).from(users);
      return [...rooms, ...people].map((r) => r.address).filter((a): a is string => a !== null && a !== '');
    },

    /** Calendars linked to the user; anything else is invisible to them. */
    listForUser(userId: number): Promise<PublicCalendar[]> {
      return db
        .select(publicColumns)
        .from(calendars)
        .innerJoin(calendarUsers, eq(calendarUsers.calendarId, calendars.id))
        .where(eq(calendarUsers.userId, userId))
        .orderBy(asc(calendars.slug));
    },

    async findForUser(userId: number, slug: string): Promise<PublicCalendar | undefined> {
      const [row] = await db
        .select(publicColumns)
        .from(calendars)
        .innerJoin(calendarUsers, eq(calendarUsers.calendarId, calendars.id))
        .where(and(eq(calendarUsers.userId, userId), eq(calendars.slug, slug)));
      return row;
    },

    async withCredentials(id: number): Promise<CalendarWithCredentials> {
      const { passwordEncrypted, ...rest } = await requireById(id);
      return { ...rest, password: box().decrypt(passwordEncrypted) };
    },

    /** What deleting the calendar's row would take with it (the foreign keys cascade). */
    async dependents(slug: string): Promise<CalendarDependents> {
      const calendar = await requireBySlug(slug);
      const granted = await db
        .select({ name: users.name })
        .from(calendarUsers)
        .innerJoin(users, eq(users.id, calendarUsers.userId))
        .where(eq(calendarUsers.calendarId, calendar.id))
        .orderBy(asc(users.name));
      const [tokens] = await db
        .select({ n: count() })
        .from(priorityTokens)
        .where(and(eq(priorityTokens.calendarId, calendar.id), eq(priorityTokens.active, true), isNull(priorityTokens.revokedAt)));
      const [audit] = await db.select({ n: count() }).from(auditLog).where(eq(auditLog.calendarId, calendar.id));
      return { users: granted.map((u) => u.name), activePriorityTokens: tokens?.n ?? 0, auditEntries: audit?.n ?? 0 };
    },

    /** Deletes the row; grants, its priority tokens and its audit entries go with it. */
    async delete(slug: string): Promise<CalendarRow> {
      const [row] = await db.delete(calendars).where(eq(calendars.slug, slug)).returning();
      if (!row) throw new NotFoundError(`unknown calendar "${slug}"`);
      return row;
    },

    /** Takes a user's access to the calendar away; NotFoundError when there was none. */
    async revoke(slug: string, userName: string): Promise<void> {
      const calendar = await requireBySlug(slug);
      const [user] = await db.select().from(users).where(eq(users.name, userName));
      if (!user) throw new NotFoundError(`unknown user "${userName}"`);
      const removed = await db
        .delete(calendarUsers)
        .where(and(eq(calendarUsers.calendarId, calendar.id), eq(calendarUsers.userId, user.id)))
        .returning();
      if (removed.length === 0) throw new NotFoundError(`user "${userName}" has no access to calendar "${slug}"`);
    },
  };
}

export interface CalendarDependents {
  /** users granted the calendar, by name */
  users: string[];
  /** active priority tokens valid only for this calendar */
  activePriorityTokens: number;
  /** audit entries, i.e. restore points of what clears removed */
  auditEntries: number;
}

export type CalendarsRepository = ReturnType<typeof createCalendarsRepository>;
