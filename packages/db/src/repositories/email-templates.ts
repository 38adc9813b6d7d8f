import { asc, eq, sql } from 'drizzle-orm';

import type { Database } from '../client.js';
import { NotFoundError } from '../errors.js';
import { emailTemplates } from '../schema/index.js';

/** A stored mail template: Liquid subject and Liquid-in-MJML body. */
export type EmailTemplate = typeof emailTemplates.$inferSelect;

/** Stores and reads mail templates. Validation is the caller's job (@roombook/email), before `upsert`. */
export function createEmailTemplatesRepository(db: Database) {
  async function getByName(name: string): Promise<EmailTemplate | undefined> {
    const [row] = await db.select().from(emailTemplates).where(eq(emailTemplates.name, name));
    return row;
  }

  return {
    getByName,

    /** Like getByName, but an unknown name is a NotFoundError. */
    async requireByName(name: string): Promise<EmailTemplate> {
      const row = await getByName(name);
      if (!row) throw new NotFoundError(`unknown template "${name}"`);
      return row;
    },

    /** By id, as calendars reference templates; undefined when it was deleted meanwhile. */
    async getById(id: number): Promise<EmailTemplate | undefined> {
      const [row] = await db.select().from(emailTemplates).where(eq(emailTemplates.id, id));
      return row;
    },

    /**
     * Creates the template or replaces its subject and body, keeping its id so calendars that use
     * it pick up the new text. `created` tells the two cases apart.
     */
    async upsert(input: { name: string; subject: string; body: string }): Promise<EmailTemplate & { created: boolean }> {
      const [row] = await db
        .insert(emailTemplates)
        .values(input)
        .onConflictDoUpdate({
          target: emailTemplates.name,
          set: { subject: input.subject, body: input.body, updatedAt: new Date() },
        })
        // xmax is 0 only on a freshly inserted row version: PostgreSQL's way to tell insert from update.
        .returning({
          id: emailTemplates.id,
          name: emailTemplates.name,
          subject: emailTemplates.subject,
          body: emailTemplates.body,
          updatedAt: emailTemplates.updatedAt,
          created: sql<boolean>`(xmax = 0)`,
        });
      return row!;
    },

    /** Every template without its body, by name. */
    list(): Promise<Omit<EmailTemplate, 'body'>[]> {
      return db
        .select({
          id: emailTemplates.id,
          name: emailTemplates.name,
          subject: emailTemplates.subject,
          updatedAt: emailTemplates.updatedAt,
        })
        .from(emailTemplates)
        .orderBy(asc(emailTemplates.name));
    },
  };
}

export type EmailTemplatesRepository = ReturnType<typeof createEmailTemplatesRepository>;
