import { and, asc, eq, isNull } from 'drizzle-orm';

import type { Database } from '../client.js';
import { ConflictError, NotFoundError, unique } from '../errors.js';
import { apiKeys, calendarUsers, calendars, users } from '../schema/index.js';
import { generateApiToken, hashToken } from '../secret-box.js';

export type User = typeof users.$inferSelect;
/** A user as an API key authenticates them: with what that key may do. */
export type AuthenticatedUser = User & { canPrioritize: boolean };

const LAST_USED_RESOLUTION_MS = 60_000;
export type ApiKey = Omit<typeof apiKeys.$inferSelect, 'tokenHash'>;

export function createUsersRepository(db: Database) {
  async function requireUser(name: string): Promise<User> {
    const [user] = await db.select().from(users).where(eq(users.name, name));
    if (!user) throw new NotFoundError(`unknown user "${name}"`);
    return user;
  }

  return {
    requireUser,

    async create(input: { name: string; email?: string | undefined }): Promise<User> {
      const [user] = await unique(
        db.insert(users).values({ name: input.name, email: input.email ?? null }).returning(),
        `user "${input.name}" already exists`,
      );
      return user!;
    },

    list(): Promise<User[]> {
      return db.select().from(users).orderBy(asc(users.name));
    },

    /** Creates a key; the token is returned once and only its hash is stored. */
    async createKey(input: { userName: string; label?: string | undefined; canPrioritize?: boolean | undefined }) {
      const user = await requireUser(input.userName);
      const { token, prefix, hash } = generateApiToken();
      const [key] = await db
        .insert(apiKeys)
        .values({ userId: user.id, label: input.label ?? null, prefix, tokenHash: hash, canPrioritize: input.canPrioritize ?? false })
        .returning({ id: apiKeys.id, prefix: apiKeys.prefix, label: apiKeys.label, canPrioritize: apiKeys.canPrioritize, createdAt: apiKeys.createdAt });
      return { ...key!, user: user.name, token };
    },

    async revokeKey(prefix: string) {
      const [key] = await db
        .update(apiKeys)
        .set({ revokedAt: new Date() })
        .where(and(eq(apiKeys.prefix, prefix), isNull(apiKeys.revokedAt)))
        .returning({ id: apiKeys.id, prefix: apiKeys.prefix, revokedAt: apiKeys.revokedAt });
      if (!key) {
        const [existing] = await db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.prefix, prefix));
        if (existing) throw new ConflictError(`key ${prefix} is already revoked`);
        throw new NotFoundError(`unknown key prefix "${prefix}"`);
      }
      return key;
    },

    listKeys() {
      return db
        .select({
          prefix: apiKeys.prefix,
          user: users.name,
          label: apiKeys.label,
          canPrioritize: apiKeys.canPrioritize,
          createdAt: apiKeys.createdAt,
          lastUsedAt: apiKeys.lastUsedAt,
          revokedAt: apiKeys.revokedAt,
        })
        .from(apiKeys)
        .innerJoin(users, eq(users.id, apiKeys.userId))
        .orderBy(asc(apiKeys.createdAt));
    },

    /** What deleting the user would take with it: active keys (and when they were last used) and grants. */
    async dependents(name: string): Promise<UserDependents> {
      const user = await requireUser(name);
      const keys = await db
        .select({ prefix: apiKeys.prefix, lastUsedAt: apiKeys.lastUsedAt })
        .from(apiKeys)
        .where(and(eq(apiKeys.userId, user.id), isNull(apiKeys.revokedAt)))
        .orderBy(asc(apiKeys.createdAt));
      const granted = await db
        .select({ slug: calendars.slug })
        .from(calendarUsers)
        .innerJoin(calendars, eq(calendars.id, calendarUsers.calendarId))
        .where(eq(calendarUsers.userId, user.id))
        .orderBy(asc(calendars.slug));
      return { activeKeys: keys, calendars: granted.map((c) => c.slug) };
    },

    /** Deletes the user with all their keys (revoked ones too) and grants; returns how many keys went. */
    async delete(name: string): Promise<{ user: User; keysDeleted: number }> {
      return db.transaction(async (tx) => {
        const [user] = await tx.select().from(users).where(eq(users.name, name));
        if (!user) throw new NotFoundError(`unknown user "${name}"`);
        const keys = await tx.delete(apiKeys).where(eq(apiKeys.userId, user.id)).returning({ id: apiKeys.id });
        await tx.delete(users).where(eq(users.id, user.id));
        return { user, keysDeleted: keys.length };
      });
    },

    /**
     * The user owning an active key with this token, and records the use. last_used_at is
     * written at most once a minute per key: a write per request would double the cost of auth.
     */
    async authenticate(token: string): Promise<AuthenticatedUser | undefined> {
      const [row] = await db
        .select({ user: users, keyId: apiKeys.id, lastUsedAt: apiKeys.lastUsedAt, canPrioritize: apiKeys.canPrioritize })
        .from(apiKeys)
        .innerJoin(users, eq(users.id, apiKeys.userId))
        .where(and(eq(apiKeys.tokenHash, hashToken(token)), isNull(apiKeys.revokedAt)));
      if (!row) return undefined;
      const now = new Date();
      if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
        await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.keyId));
      }
      return { ...row.user, canPrioritize: row.canPrioritize };
    },
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;

export interface UserDependents {
  activeKeys: { prefix: string; lastUsedAt: Date | null }[];
  /** slugs of the calendars granted to the user */
  calendars: string[];
}
