import type * as CalDav from '@roombook/caldav';
import {
  createAuditLogRepository,
  createCalendarsRepository,
  type AuditEntry,
  type AuditLogRepository,
  type CalendarWithCredentials,
} from '@roombook/db';
import { LeaseLostError, fence } from '@roombook/queue';

import { LockUnavailableError, RestoreRefusedError, ServiceError } from './errors.js';
import type { ServiceDeps } from './calendars.js';
import { withCalendarWriteLock } from './write-lock.js';

/** tsdav and its XML parser load only for the operation that talks CalDAV (the CLI starts fast). */
function loadCalDav(): Promise<typeof CalDav> {
  return import('@roombook/caldav');
}

/**
 * Entry actions whose previous text can be put back: a deletion, or an edit by a clear (declined or
 * cancelled occurrences; 'edited' when one write did both to different occurrences of a series).
 */
const RESTORABLE = new Set(['deleted', 'declined', 'cancelled', 'edited', 'occurrence-cancelled']);

type Entry = AuditEntry & { calendarSlug: string };

/** Why a restore is refused; turned into a RestoreRefusedError once any pending audit record is dropped. */
class Refusal extends Error {
  override name = 'Refusal';
}

/** What a restore did, as `audit restore --json` prints it and the admin API answers. */
export interface RestoreResult {
  /** The entry that was undone. */
  id: number;
  uid: string;
  calendar: string;
  href: string;
  /** The undone entry's action: deleted | declined | cancelled | edited. */
  action: string;
  /** ETag of the restored object. */
  etag: string | null;
  /** The new 'restored' audit entry. */
  auditId: number;
  /** recreated = PUT If-None-Match: * (nothing was there); reverted = PUT If-Match over our own edit. */
  method: 'recreated' | 'reverted';
}

/** One line, without the CalDAV password should a message ever carry it. */
function oneLine(text: string, password: string): string {
  const line = text.replace(/\s*\n\s*/g, ' ').trim();
  return password ? line.replaceAll(password, '***') : line;
}

/**
 * Puts back the previous text of an audited deletion or edit, never over a version someone wrote
 * since: a deleted object is re-created with If-None-Match: *, an edit is reverted with If-Match
 * on the ETag our edit produced. The restore is an audited write like the worker's (action
 * 'restored', with what was on the server before it): recorded `pending` first, applied when the
 * server answers, dropped only when it refuses. A pending restore of the same object — an earlier
 * run whose answer was lost — is reconciled first, so running the command again is safe.
 */
async function restoreEntry(
  entry: Entry,
  calendar: CalendarWithCredentials,
  audit: AuditLogRepository,
  options: { force: boolean; timeoutMs: number },
): Promise<RestoreResult> {
  const { force } = options;
  const { CalDavError, auditedWrite, changedNothing, createCalDavClient, fencedClient, reconcileWrite } = await loadCalDav();
  const name = `${entry.uid} in ${entry.calendarSlug}`;

  let opened: CalDav.CalDavClient | undefined;
  /**
   * Settles pending restores of this entry's object (an earlier run, or this one, whose answer was
   * lost) by re-reading it; returns the result when one of them turns out to have put it back.
   */
  const settlePendingRestores = async (): Promise<RestoreResult | undefined> => {
    const client = opened;
    if (!client) return undefined;
    let done: RestoreResult | undefined;
    for (const earlier of await audit.pendingFor(entry.calendarId, entry.href)) {
      if (earlier.action !== 'restored' || earlier.id <= entry.id) continue;
      const outcome = await reconcileWrite(
        client,
        { begin: () => Promise.reject(new Error('not begun again')), ...audit.settling() },
        { id: earlier.id, href: earlier.href, previousIcal: earlier.previousIcal, etagBefore: earlier.etagBefore, textAfter: earlier.textAfter },
      );
      if (outcome.state === 'applied') {
        done = {
          id: entry.id, uid: entry.uid, calendar: entry.calendarSlug, href: entry.href, action: entry.action,
          etag: outcome.etag, auditId: earlier.id, method: earlier.etagBefore === null ? 'recreated' : 'reverted',
        };
      }
    }
    return done;
  };

  try {
    // Fenced like the worker's client: each write first proves the calendar's lock is still ours.
    const client = fencedClient(
      createCalDavClient({
        url: calendar.url,
        username: calendar.username,
        password: calendar.password,
        timeoutMs: options.timeoutMs,
        allowPrivateAddress: calendar.allowPrivateAddress,
      }),
      () => fence(calendar.id),
    );
    opened = client;
    const earlier = await settlePendingRestores();
    if (earlier) return earlier;

    const trail = audit.trail({
      calendarId: entry.calendarId,
      uid: entry.uid,
      recurrenceId: entry.recurrenceId,
      action: 'restored',
      userId: null,
      jobId: null,
    });
    let written: { auditId: number; etag: string | null };
    let method: RestoreResult['method'];
    const current = entry.action === 'deleted' ? undefined : await client.fetchObject(entry.href);
    if (!current) {
      method = 'recreated';
      try {
        written = await auditedWrite(client, trail, { kind: 'recreate', href: entry.href, text: entry.previousIcal });
      } catch (error) {
        if (error instanceof CalDavError && error.code === 'PRECONDITION_FAILED') {
          throw new Refusal(`exists on the server (${entry.href}); it was not touched`);
        }
        throw error;
      }
    } else {
      if (entry.etagAfter === null && !force) {
        throw new Refusal(
          `is on the server, but the server gave no ETag after our edit, so whether it changed since ` +
            'cannot be checked; it was not touched (pass --force to revert it anyway)',
        );
      }
      if (current.etag === null) throw new Refusal('has no ETag on the server; refusing an unconditional overwrite');
      if (entry.etagAfter !== null && current.etag !== entry.etagAfter) {
        throw new Refusal(`changed since (ETag ${current.etag}, ours was ${entry.etagAfter}), not overwritten`);
      }
      const etag = current.etag;
      method = 'reverted';
      try {
        written = await auditedWrite(client, trail, { kind: 'update', object: { href: current.href, etag, data: current.data }, text: entry.previousIcal });
      } catch (error) {
        if (error instanceof CalDavError && error.code === 'PRECONDITION_FAILED') {
          throw new Refusal(`changed while restoring (ETag ${etag} no longer current), not overwritten`);
        }
        throw error;
      }
    }
    return {
      id: entry.id,
      uid: entry.uid,
      calendar: entry.calendarSlug,
      href: entry.href,
      action: entry.action,
      etag: written.etag,
      auditId: written.auditId,
      method,
    };
  } catch (error) {
    if (error instanceof Refusal) {
      // Looked up only now, after a refused attempt's record has been discarded.
      const restore = await audit.findRestoreAfter(entry);
      const since = restore ? ` (audit entry ${restore.id} restored it on ${restore.at.toISOString()})` : '';
      throw new RestoreRefusedError(`not restoring entry ${entry.id}: ${name} ${error.message}${since}`);
    }
    if (error instanceof CalDavError) {
      const unknown = changedNothing(error) ? '' : ' (recorded as pending: run the command again to settle it)';
      if (unknown) {
        // The answer was lost or the server failed: one re-read may show that the restore went through.
        const settled = await settlePendingRestores().catch(() => undefined);
        if (settled) return settled;
      }
      throw new ServiceError(oneLine(`cannot restore entry ${entry.id} (${name}): CalDAV: ${error.message}${unknown}`, calendar.password));
    }
    if (error instanceof LeaseLostError) {
      throw new LockUnavailableError(`cannot restore entry ${entry.id} (${name}): ${error.message}; run the command again to settle it`);
    }
    // ownUrl refuses an href on another server (the calendar's URL changed since the entry was written).
    if (error instanceof TypeError) {
      throw new ServiceError(oneLine(`cannot restore entry ${entry.id} (${name}): ${error.message}`, calendar.password));
    }
    throw error;
  }
}

/** Audit log operations shared by the CLI and the admin API: listing, and undoing an entry. */
export function auditService(deps: ServiceDeps) {
  return {
    /** Entries newest first, optionally of one calendar (named by slug; an unknown slug is NotFoundError). */
    async list(filter: { calendar?: string | undefined; limit?: number | undefined }) {
      const calendarId =
        filter.calendar === undefined ? undefined : (await createCalendarsRepository(deps.db).requireBySlug(filter.calendar)).id;
      return createAuditLogRepository(deps.db).list({ calendarId, limit: filter.limit ?? 100 });
    },

    /**
     * Puts an entry's object back (see restoreEntry), holding the calendar's write lock (waits up
     * to `calendarLock.waitMs` for a worker job on it). Refused for failed entries (their change
     * never took effect) and for actions that have no previous text to put back.
     */
    async restore(id: number, options: { force: boolean }): Promise<RestoreResult> {
      // Before touching the database: a missing SECRET_KEY should not cost a connection attempt.
      const secrets = deps.secrets();
      const audit = createAuditLogRepository(deps.db);
      const entry = await audit.require(id);
      if (entry.state === 'failed') {
        throw new RestoreRefusedError(
          `audit entry ${id} is failed: its change never took effect (${entry.error ?? 'someone else changed the object'}); ` +
            'the object on the server is not ours to replace',
        );
      }
      if (!RESTORABLE.has(entry.action)) {
        throw new RestoreRefusedError(
          `audit entry ${id} records a${entry.action === 'restored' ? ' restore' : `n action "${entry.action}"`}, ` +
            'which cannot be restored; only deleted, declined, cancelled or edited entries can',
        );
      }
      let calendar: CalendarWithCredentials;
      try {
        calendar = await createCalendarsRepository(deps.db, secrets).withCredentials(entry.calendarId);
      } catch (error) {
        // A SECRET_KEY other than the one the password was stored with: say which calendar.
        if (error instanceof Error && error.message.startsWith('cannot decrypt')) {
          throw new ServiceError(`calendar ${entry.calendarSlug}: ${error.message}`);
        }
        throw error;
      }
      // Under the worker's calendar lock: a clear or booking job never writes this calendar meanwhile.
      const timeoutMs = deps.caldavTimeoutMs ?? 15_000;
      return withCalendarWriteLock(deps.calendarLock, { id: calendar.id, slug: entry.calendarSlug }, timeoutMs, () =>
        restoreEntry(entry, calendar, audit, { force: options.force, timeoutMs }),
      );
    },
  };
}

export type AuditService = ReturnType<typeof auditService>;
