import { verifyCalendarCollection, type VerifyResult } from '@roombook/caldav';
import {
  createCalendarsRepository,
  createUsersRepository,
  NotFoundError,
  type CalendarInput,
  type CalendarRow,
  type CalendarUpdate,
  type Database,
  type SecretBox,
} from '@roombook/db';

import { checkPolicy } from './booking-policy.js';
import { HasDependentsError, VerificationError } from './errors.js';
import { plural } from './words.js';

export interface ServiceDeps {
  db: Database;
  /** Asked for only by operations that read or write a CalDAV password. */
  secrets: () => SecretBox;
  /** Time limit of the verifying PROPFIND. */
  caldavTimeoutMs?: number;
}


/** Calendar operations shared by the CLI and an admin HTTP API (design §9): rules live here once. */
export function calendarService(deps: ServiceDeps) {
  const repository = (withSecrets: boolean) => createCalendarsRepository(deps.db, withSecrets ? deps.secrets() : undefined);

  async function verify(target: { url: string; username: string; password: string }): Promise<VerifyResult & { ok: true }> {
    const result = await verifyCalendarCollection({ ...target, timeoutMs: deps.caldavTimeoutMs ?? 15_000 });
    if (!result.ok) throw new VerificationError(result.problem, result.message);
    return result;
  }

  return {
    /**
     * Stores a room calendar. With `verify` (the default) the server must first confirm that the
     * URL is a calendar the credentials can read; otherwise nothing is saved.
     */
    async create(input: CalendarInput, options: { verify: boolean }): Promise<{ calendar: CalendarRow; verified: boolean }> {
      // The key first: without it nothing can be stored, so do not bother the CalDAV server.
      const calendars = repository(true);
      checkPolicy(input.policy ?? {});
      if (options.verify) await verify(input);
      return { calendar: await calendars.create(input), verified: options.verify };
    },

    /**
     * Changes a calendar. A new URL, user name or password is verified like on create (using the
     * stored values for the parts not changed); other settings are saved without asking the server.
     */
    async update(slug: string, change: CalendarUpdate, options: { verify: boolean }): Promise<{ calendar: CalendarRow; verified: boolean }> {
      const touchesConnection = change.url !== undefined || change.username !== undefined || change.password !== undefined;
      const mustVerify = options.verify && touchesConnection;
      const calendars = repository(change.password !== undefined || mustVerify);
      if (change.policy !== undefined) checkPolicy(change.policy, await calendars.requireBySlug(slug));
      if (mustVerify) {
        const current = await calendars.requireBySlug(slug);
        const password = change.password ?? (await calendars.withCredentials(current.id)).password;
        await verify({ url: change.url ?? current.url, username: change.username ?? current.username, password });
      }
      return { calendar: await calendars.update(slug, change), verified: mustVerify };
    },

    async grant(slug: string, userName: string): Promise<void> {
      await repository(false).grant(slug, userName);
    },

    /**
     * Takes a user's access away. Refused while one of the user's keys was used in the last
     * `recentDays` (a client is likely booking this room right now) unless `force`.
     */
    async revoke(slug: string, userName: string, options: { force: boolean; now?: Date; recentDays?: number }): Promise<void> {
      const calendars = repository(false);
      if (!options.force) {
        await calendars.requireBySlug(slug);
        const { activeKeys, calendars: granted } = await createUsersRepository(deps.db).dependents(userName);
        if (!granted.includes(slug)) throw new NotFoundError(`user "${userName}" has no access to calendar "${slug}"`);
        const since = (options.now ?? new Date()).getTime() - (options.recentDays ?? 30) * 86_400_000;
        const recent = activeKeys.filter((k) => k.lastUsedAt !== null && k.lastUsedAt.getTime() >= since);
        if (recent.length > 0) {
          throw new HasDependentsError(`the access of user "${userName}" to calendar "${slug}"`, [
            `${plural(recent.length, 'API key')} of theirs (${recent.map((k) => k.prefix).join(', ')}) ${recent.length === 1 ? 'was' : 'were'} used in the last ${options.recentDays ?? 30} days; their clients will get 404 for this room`,
          ]);
        }
      }
      await calendars.revoke(slug, userName);
    },

    /**
     * Deletes a calendar from roombook (never from the CalDAV server). Refused while users may
     * book it, priority tokens are bound to it or the audit log holds restore points for it,
     * unless `force`, which deletes those with it.
     */
    async delete(slug: string, options: { force: boolean }): Promise<{ calendar: CalendarRow; removed: string[] }> {
      const calendars = repository(false);
      const found = await calendars.dependents(slug);
      const removed = [
        ...(found.users.length > 0 ? [`${plural(found.users.length, 'user')} may book it (${found.users.join(', ')})`] : []),
        ...(found.activePriorityTokens > 0 ? [`${plural(found.activePriorityTokens, 'active priority token')} ${found.activePriorityTokens === 1 ? 'is' : 'are'} bound to it`] : []),
        ...(found.auditEntries > 0 ? [`the audit log holds ${plural(found.auditEntries, 'restore point')} for it`] : []),
      ];
      if (removed.length > 0 && !options.force) throw new HasDependentsError(`calendar "${slug}"`, removed);
      return { calendar: await calendars.delete(slug), removed };
    },
  };
}

export type CalendarService = ReturnType<typeof calendarService>;
