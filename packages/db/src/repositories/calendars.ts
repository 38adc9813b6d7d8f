import { and, asc, eq } from 'drizzle-orm';

import type { Database } from '../client.js';
import { NotFoundError, unique } from '../errors.js';
import { calendarUsers, calendars, emailTemplates, users } from '../schema/index.js';
import type { SecretBox } from '../secret-box.js';

export type CalendarRow = typeof calendars.$inferSelect;
/** A calendar as the API may show it: no URL credentials, no ciphertext. */
export type PublicCalendar = Pick<CalendarRow, 'id' | 'slug' | 'displayName' | 'timeZone'>;
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
}

const publicColumns = {
  id: calendars.id,
  slug: calendars.slug,
  displayName: calendars.displayName,
  timeZone: calendars.timeZone,
};

export function createCalendarsRepository(db: Database, secrets?: SecretBox) {
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
    const [row] = await db.select().from(calendars).where(eq(calendars.id, id));
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

    async grant(slug: string, userName: string): Promise<void> {
      const calendar = await requireBySlug(slug);
      const [user] = await db.select().from(users).where(eq(users.name, userName));
      if (!user) throw new NotFoundError(`unknown user "${userName}"`);
      await db.insert(calendarUsers).values({ calendarId: calendar.id, userId: user.id }).onConflictDoNothing();
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
  };
}

export type CalendarsRepository = ReturnType<typeof createCalendarsRepository>;
