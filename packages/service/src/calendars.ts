import { verifyCalendarCollection, type VerifyResult } from '@roombook/caldav';
import {
  createCalendarsRepository,
  createEmailTemplatesRepository,
  createUsersRepository,
  NotFoundError,
  type CalendarInput,
  type CalendarRow,
  type CalendarUpdate,
  type Database,
  type RoomAttributes,
  type SecretBox,
  SecretUnreadableError,
} from '@roombook/db';

import { announce, type AccessChanges } from './access-changes.js';
import { checkPolicy } from './booking-policy.js';
import { HasDependentsError, ServiceError, VerificationError } from './errors.js';
import { checkCapacity, checkFeatures, checkLocation } from './rules.js';
import { plural } from './words.js';
import type { CalendarLockDeps } from './write-lock.js';

export interface ServiceDeps {
  db: Database;
  /** Asked for only by operations that read or write a CalDAV password. */
  secrets: () => SecretBox;
  /** Time limit of the verifying PROPFIND. */
  caldavTimeoutMs?: number;
  /** Tells the API processes to drop cached keys and grants (see access-changes.ts). */
  accessChanges?: AccessChanges | undefined;
  /** The workers' calendar locks; operations that write CalDAV (audit restore) take them. */
  calendarLock?: CalendarLockDeps | undefined;
}


/** What any front end shows of a calendar: everything but the password (not even its ciphertext). */
export interface CalendarView {
  id: number;
  slug: string;
  displayName: string;
  url: string;
  username: string;
  timeZone: string;
  roomEmail: string | null;
  autoClear: boolean;
  clearIntervalSeconds: number;
  horizonDays: number;
  mailEnabled: boolean;
  /** Template name; null = the built-in default. */
  template: string | null;
  /** anyone granted the room may cancel any booking (seed behaviour) */
  openDelete: boolean;
  /** the CalDAV client may reach link-local / metadata addresses */
  allowPrivateAddress: boolean;
  /** booking policy (issue 11) */
  conflictPolicy: 'reject' | 'allow';
  seriesMaxConflicts: number;
  maxDaysAhead: number | null;
  minMinutes: number | null;
  maxMinutes: number | null;
  openingHours: string | null;
  /** room attributes (issue 12); null / empty = not stated */
  capacity: number | null;
  features: string[];
  location: string | null;
  /** how current the worker's copy of the calendar is (see mirrorStatus) */
  mirror: MirrorStatus;
  createdAt: Date;
}

/**
 * The calendar store's sync state as people read it: `synced` when the last refresh succeeded
 * (`refreshedAt`), `failed` when a refresh failed after it (or none ever succeeded), `never`
 * before the first attempt. `error` is the last failure's reason, kept while it is the news.
 */
export interface MirrorStatus {
  state: 'synced' | 'failed' | 'never';
  refreshedAt: Date | null;
  failedAt: Date | null;
  error: string | null;
}

export function mirrorStatus(row: Pick<CalendarRow, 'mirrorRefreshedAt' | 'mirrorFailedAt' | 'mirrorError'>): MirrorStatus {
  const { mirrorRefreshedAt: refreshedAt, mirrorFailedAt: failedAt } = row;
  const failedLast = failedAt !== null && (refreshedAt === null || failedAt.getTime() > refreshedAt.getTime());
  return {
    state: failedLast ? 'failed' : refreshedAt !== null ? 'synced' : 'never',
    refreshedAt,
    failedAt,
    error: failedLast ? (row.mirrorError ?? 'unknown error') : null,
  };
}

export function calendarView(row: CalendarRow, templates: Map<number, string>): CalendarView {
  return {
    id: row.id,
    slug: row.slug,
    displayName: row.displayName,
    url: row.url,
    username: row.username,
    timeZone: row.timeZone,
    roomEmail: row.roomEmail,
    autoClear: row.autoClear,
    clearIntervalSeconds: row.clearIntervalSeconds,
    horizonDays: row.horizonDays,
    mailEnabled: row.mailEnabled,
    template: row.templateId === null ? null : (templates.get(row.templateId) ?? null),
    openDelete: row.openDelete,
    allowPrivateAddress: row.allowPrivateAddress,
    conflictPolicy: row.conflictPolicy,
    seriesMaxConflicts: row.seriesMaxConflicts,
    maxDaysAhead: row.maxDaysAhead,
    minMinutes: row.minMinutes,
    maxMinutes: row.maxMinutes,
    openingHours: row.openingHours,
    capacity: row.capacity,
    features: row.features,
    location: row.location,
    mirror: mirrorStatus(row),
    createdAt: row.createdAt,
  };
}

/**
 * Room attributes checked once for every front end (InvalidInputError names the rule); null
 * removes an attribute, an empty list removes every feature.
 */
function checkAttributes(attributes: Partial<RoomAttributes> | undefined): Partial<RoomAttributes> | undefined {
  if (!attributes) return undefined;
  const { capacity, features, location } = attributes;
  return {
    capacity: capacity == null ? capacity : checkCapacity(capacity),
    features: features === undefined ? undefined : checkFeatures(features),
    location: location == null ? location : checkLocation(location),
  };
}

/** Calendar operations shared by the CLI and an admin HTTP API (design §9): rules live here once. */
export function calendarService(deps: ServiceDeps) {
  const repository = (withSecrets: boolean) => createCalendarsRepository(deps.db, withSecrets ? deps.secrets() : undefined);

  async function templateNames(): Promise<Map<number, string>> {
    return new Map((await createEmailTemplatesRepository(deps.db).list()).map((t) => [t.id, t.name]));
  }

  async function verify(target: { url: string; username: string; password: string; allowPrivateAddress?: boolean | undefined }): Promise<VerifyResult & { ok: true }> {
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
      input = { ...input, attributes: checkAttributes(input.attributes) };
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
      change = { ...change, attributes: checkAttributes(change.attributes) };
      if (change.policy !== undefined) checkPolicy(change.policy, await calendars.requireBySlug(slug));
      if (mustVerify) {
        const current = await calendars.requireBySlug(slug);
        const password = change.password ?? (await calendars.withCredentials(current.id)).password;
        await verify({
          url: change.url ?? current.url,
          username: change.username ?? current.username,
          password,
          allowPrivateAddress: change.allowPrivateAddress ?? current.allowPrivateAddress,
        });
      }
      const calendar = await calendars.update(slug, change);
      // the API caches a granted calendar with its zone; a change must reach it at once
      await announce(deps.accessChanges, 'calendar updated');
      return { calendar, verified: mustVerify };
    },

    /**
     * Asks the server, with the stored credentials, whether the calendar is still a collection
     * they can read; the answer is returned (never thrown), and nothing is changed.
     */
    async testConnection(slug: string): Promise<VerifyResult> {
      const calendars = repository(true);
      const current = await calendars.requireBySlug(slug);
      const { password } = await calendars.withCredentials(current.id);
      return verifyCalendarCollection({ url: current.url, username: current.username, password, timeoutMs: deps.caldavTimeoutMs ?? 15_000 });
    },

    /** Every calendar as shown to an administrator (no password). */
    async list(): Promise<CalendarView[]> {
      const names = await templateNames();
      return (await repository(false).list()).map((row) => calendarView(row, names));
    },

    async view(row: CalendarRow): Promise<CalendarView> {
      return calendarView(row, await templateNames());
    },

    /** Who may book each calendar, by slug. */
    async grants(): Promise<{ calendar: string; users: string[] }[]> {
      const calendars = repository(false);
      const rows = await calendars.list();
      const listed = await Promise.all(
        rows.map(async (row) => {
          try {
            return { calendar: row.slug, users: (await calendars.dependents(row.slug)).users };
          } catch (error) {
            // Deleted since the list was read: it has no grants to show.
            if (error instanceof NotFoundError) return undefined;
            throw error;
          }
        }),
      );
      return listed.filter((entry) => entry !== undefined);
    },

    /** `manage`: may cancel every booking in the room and sees organizers in clear reports. */
    async grant(slug: string, userName: string, options: { manage?: boolean | undefined } = {}): Promise<void> {
      await repository(false).grant(slug, userName, options);
    },

    /**
     * Re-encrypts every stored CalDAV password and webhook signing secret under `nextKey` in one
     * transaction (issues 10, 12). Nothing changes when one cannot be read with the current key: the error names it.
     */
    async rotateSecrets(nextKey: SecretBox): Promise<{ rotated: string[]; webhooks: number[] }> {
      try {
        return await repository(true).rotateSecrets(nextKey);
      } catch (error) {
        if (error instanceof SecretUnreadableError) {
          throw new ServiceError(`a stored CalDAV password or webhook secret cannot be read with the current SECRET_KEY, nothing was changed: ${error.message}`);
        }
        throw error;
      }
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
      await announce(deps.accessChanges, 'grant revoked');
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
      const calendar = await calendars.delete(slug);
      await announce(deps.accessChanges, 'calendar deleted');
      return { calendar, removed };
    },
  };
}

export type CalendarService = ReturnType<typeof calendarService>;
