import type { CalDavClient } from './client.js';
import { CalDavError, changedNothing, isRefused } from './errors.js';

/** An object as read from the server, with the ETag of exactly this text. */
export interface ReadObject {
  href: string;
  etag: string;
  data: string;
}

/**
 * One conditional change to one calendar object:
 * - `delete`: DELETE with If-Match on the ETag of the text that was read;
 * - `update`: PUT `text` with If-Match on that ETag;
 * - `recreate`: PUT `text` with If-None-Match: * (putting back a removed object).
 */
export type AuditedChange =
  | { kind: 'delete'; object: ReadObject }
  | { kind: 'update'; object: ReadObject; text: string }
  | { kind: 'recreate'; href: string; text: string };

/** What the audit log keeps about a write: the previous text, and enough to reconcile it after a lost answer. */
export interface PendingWrite {
  href: string;
  /** The text on the server before the write; '' when nothing was there (a recreate). */
  previousIcal: string;
  /** ETag of exactly `previousIcal`; null when nothing was there. */
  etagBefore: string | null;
  /** The text the write puts there; null for a delete. */
  textAfter: string | null;
}

/**
 * The audit log as the audited write sees it. The caller binds `begin` to what else the entry
 * records (who, which job, uid, action), so this module needs no database.
 */
export interface AuditTrail {
  /** Records the write as pending, before it is sent; returns the entry's id. */
  begin(write: PendingWrite): Promise<number>;
  /** The write happened; `etagAfter` is what it produced (null after a delete, or when unknown). */
  applied(id: number, etagAfter: string | null, note?: string | null): Promise<void>;
  /** Our write is not in effect: someone else's version is there. The entry keeps its text. */
  failed(id: number, reason: string): Promise<void>;
  /** The server definitely refused (a 4xx): nothing happened, the entry goes. */
  discard(id: number): Promise<void>;
}

export interface AuditedWriteHooks {
  /**
   * Runs after the server accepted the write and before the entry is marked applied (e.g. queue the
   * affected organizer's mail with a job id derived from the entry). If it throws, the entry stays
   * pending and the next reconcile runs it again, so it must be idempotent.
   */
  afterWrite?: (auditId: number) => Promise<void>;
}

export interface AuditedWriteResult {
  auditId: number;
  /** ETag of the object after the write; null after a delete, or when the server gave none. */
  etag: string | null;
}

/**
 * The audited write (issue 7): audit entry `pending` -> conditional write -> `applied`.
 * When the server definitely refuses (a 4xx: 412 newer version, 404 gone, 403…) — or the request
 * never left (connection refused) — the entry is removed and the error rethrown. When the outcome is unknown (timeout, reset, lost answer, 5xx),
 * the entry stays `pending` and the error is rethrown: the server may have carried the write out,
 * so the only copy of the text must not go; {@link reconcileWrite} settles it on the next attempt.
 */
export async function auditedWrite(
  client: CalDavClient,
  trail: AuditTrail,
  change: AuditedChange,
  hooks: AuditedWriteHooks = {},
): Promise<AuditedWriteResult> {
  const auditId = await trail.begin(pendingOf(change));
  let etag: string | null;
  try {
    etag = await send(client, change);
  } catch (error) {
    if (changedNothing(error)) await trail.discard(auditId);
    throw error;
  }
  await hooks.afterWrite?.(auditId);
  await trail.applied(auditId, etag);
  return { auditId, etag };
}

/** A pending entry as reconcile needs it. */
export interface PendingEntry extends PendingWrite {
  id: number;
}

export type ReconcileOutcome =
  /** The write had happened (gone / our text is there), or was sent again and happened now. */
  | { state: 'applied'; etag: string | null; how: 'found-done' | 'written-again' }
  /** Someone else's version is there: our write is not in effect and is not repeated. */
  | { state: 'failed'; reason: string };

/**
 * Settles a pending entry by re-reading the object:
 * - a delete: gone -> applied; still exactly the text we read -> DELETE again; else failed;
 * - an update or recreate: our text is there -> applied; still the text we planned on (or still
 *   absent, for a recreate) -> write again; else failed.
 * `sameText` decides whether the server's copy is our text (servers may re-serialise what they
 * store); the default compares the unfolded content lines. A transient error leaves it pending.
 */
export async function reconcileWrite(
  client: CalDavClient,
  trail: AuditTrail,
  entry: PendingEntry,
  options: AuditedWriteHooks & { sameText?: (a: string, b: string) => boolean } = {},
): Promise<ReconcileOutcome> {
  const same = options.sameText ?? sameContentLines;
  const current = await client.fetchObject(entry.href);
  const unchanged =
    current !== undefined &&
    entry.etagBefore !== null &&
    (current.etag === entry.etagBefore || (current.etag !== null && same(current.data, entry.previousIcal)));

  let change: AuditedChange | undefined;
  if (entry.textAfter === null) {
    if (!current) return settle(trail, entry.id, { state: 'applied', etag: null, how: 'found-done' }, options);
    if (unchanged && current.etag) change = { kind: 'delete', object: { href: current.href, etag: current.etag, data: current.data } };
  } else {
    if (current && same(current.data, entry.textAfter)) {
      return settle(trail, entry.id, { state: 'applied', etag: current.etag, how: 'found-done' }, options);
    }
    if (!current && entry.etagBefore === null) change = { kind: 'recreate', href: entry.href, text: entry.textAfter };
    else if (unchanged && current?.etag) {
      change = { kind: 'update', object: { href: current.href, etag: current.etag, data: current.data }, text: entry.textAfter };
    }
  }
  if (!change) {
    const reason = current ? 'the object changed on the server since; our write is not in effect' : 'the object was removed by someone else';
    await trail.failed(entry.id, reason);
    return { state: 'failed', reason };
  }
  let etag: string | null;
  try {
    etag = await send(client, change);
  } catch (error) {
    if (error instanceof CalDavError && error.code === 'NOT_FOUND' && change.kind === 'delete') {
      return settle(trail, entry.id, { state: 'applied', etag: null, how: 'found-done' }, options);
    }
    if (error instanceof CalDavError && isRefused(error)) {
      const reason = `writing it again was refused: ${error.message}`;
      await trail.failed(entry.id, reason);
      return { state: 'failed', reason };
    }
    throw error;
  }
  return settle(trail, entry.id, { state: 'applied', etag, how: 'written-again' }, options);
}

async function settle(
  trail: AuditTrail,
  id: number,
  outcome: Extract<ReconcileOutcome, { state: 'applied' }>,
  hooks: AuditedWriteHooks,
): Promise<ReconcileOutcome> {
  await hooks.afterWrite?.(id);
  await trail.applied(id, outcome.etag, outcome.how === 'found-done' ? 'reconciled: the write had been carried out' : 'reconciled: written again');
  return outcome;
}

function pendingOf(change: AuditedChange): PendingWrite {
  switch (change.kind) {
    case 'delete':
      return { href: change.object.href, previousIcal: change.object.data, etagBefore: change.object.etag, textAfter: null };
    case 'update':
      return { href: change.object.href, previousIcal: change.object.data, etagBefore: change.object.etag, textAfter: change.text };
    case 'recreate':
      return { href: change.href, previousIcal: '', etagBefore: null, textAfter: change.text };
  }
}

async function send(client: CalDavClient, change: AuditedChange): Promise<string | null> {
  switch (change.kind) {
    case 'delete':
      await client.deleteObject({ href: change.object.href, etag: change.object.etag });
      return null;
    case 'update':
      return (await client.updateObject({ href: change.object.href, etag: change.object.etag }, change.text)).etag;
    case 'recreate':
      return (await client.restoreObject(change.href, change.text)).etag;
  }
}

/**
 * Same iCalendar content, whatever the line folding, line endings and order of lines a server
 * stores it with. Deliberately not a full iCalendar comparison (this package has no iCalendar
 * logic): a server that rewrites values makes this false, and the entry is then marked failed —
 * the safe answer, since the previous text is kept either way.
 */
export function sameContentLines(a: string, b: string): boolean {
  const lines = (text: string) =>
    text
      .replace(/\r?\n[ \t]/g, '')
      .split(/\r?\n/)
      .map((line) => line.trimEnd())
      .filter((line) => line !== '')
      .sort();
  const left = lines(a);
  const right = lines(b);
  return left.length === right.length && left.every((line, i) => line === right[i]);
}
