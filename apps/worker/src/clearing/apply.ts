import { planClearing, type ClearingPlan, type Loser, type Occurrence } from '@roombook/booking';
import {
  CalDavError,
  auditedWrite,
  isRefused,
  type AuditedChange,
  type CalDavClient,
  type CalendarObject,
  type ReadObject,
} from '@roombook/caldav';
import type { AuditLogRepository } from '@roombook/db';
import { IcalError, cancelOccurrence, declineOccurrence } from '@roombook/ical';
import type { NotifyPayload } from '@roombook/queue';

import { decisionsByObject, type ObjectDecision } from './decisions.js';
import { RECIPIENT_REFUSED, type RecipientCheck } from '../mail-policy.js';
import { UNREADABLE_DATA, publicCalDavMessage } from '../public-error.js';
import { notificationFor, queueMails, type MailQueue } from './notifications.js';
import { decisionKey, type Outcomes } from './report.js';

/** A write that met a newer version (412) is re-read, re-planned and retried this often. */
const MAX_ATTEMPTS = 3;

/**
 * After this many transport failures in a row (timeouts, resets, 5xx) the server is taken for
 * down: the clear stops instead of spending one timeout per remaining write, and the job retries.
 */
export const MAX_CONSECUTIVE_TRANSPORT_FAILURES = 3;

export interface ApplyInput {
  plan: ClearingPlan;
  objects: Map<string, CalendarObject>;
  /** Reads an object the plan needs that `objects` does not hold (a clear planned from the store). */
  loadObject?: (href: string) => Promise<CalendarObject | undefined>;
  occurrences: Occurrence[];
  priorityTokens: string[];
  now: Date;
  client: CalDavClient;
  audit: AuditLogRepository;
  /** who and what to record in the audit log */
  record: { calendarId: number; jobId: string; userId: number | null };
  timeZone: string;
  roomAddress: string | null;
  /** re-expands one re-fetched object */
  expand: (object: CalendarObject) => Occurrence[];
  onApplied: (done: number, total: number) => Promise<void>;
  /** Where each loser's mail goes right after its write; null = no mail (mail off, or disabled for the calendar). */
  mailQueue?: MailQueue | null;
  /** Which organizers may be mailed (MAIL_ALLOWED_DOMAINS); absent = everyone. */
  mailAllowed?: RecipientCheck;
}

export interface ApplyResult {
  outcomes: Outcomes;
  /** The plan the report describes: the original one plus losers that only re-planning found. */
  plan: ClearingPlan;
  /** Mails queued by this run. */
  mailsQueued: number;
  /**
   * Set when a write failed for a reason that may pass (transport failure, 5xx, outcome unknown):
   * the job should retry; the message says what stopped it.
   */
  retryReason: string | null;
}

/**
 * Applies a clearing plan (design §5 step 5), one object at a time, each change an audited write
 * (audit entry pending -> conditional write -> applied; see @roombook/caldav auditedWrite), each
 * loser's mail queued right after its write. A write always carries the ETag of exactly the text it
 * was planned on: an object read without an ETag is re-read first, and a 412 (or a vanished
 * object) means someone changed it — it is re-read and the WHOLE calendar re-planned with the new
 * version, so that when the changed object was a winner, its losers are re-checked before they go.
 */
export async function applyPlan(input: ApplyInput): Promise<ApplyResult> {
  const outcomes: Outcomes = new Map();
  const objects = new Map(input.objects);
  let occurrences = input.occurrences;
  let plan = input.plan;
  let decisions = decisionsByObject(plan);
  const reported = new PlanUnion(input.plan);
  const order = [...decisions.keys()];
  const finished = new Set<string>();
  const attempts = new Map<string, number>();
  let consecutiveTransportFailures = 0;
  let retryReason: string | null = null;
  let mailsQueued = 0;

  const replan = (objectId: string, fresh: CalendarObject | undefined) => {
    occurrences = occurrences.filter((o) => o.objectId !== objectId);
    if (fresh) {
      objects.set(objectId, fresh);
      occurrences.push(...input.expand(fresh));
    } else {
      objects.delete(objectId);
    }
    const previous = decisions;
    plan = planClearing({ occurrences, priorityTokens: input.priorityTokens, now: input.now });
    decisions = decisionsByObject(plan);
    reported.add(plan);
    for (const [id, decision] of previous) {
      if (finished.has(id)) continue;
      const gone = fresh === undefined && id === objectId;
      const now = decisions.get(id);
      if (gone) markAll(outcomes, decision, { status: 'skipped', error: 'the object was removed meanwhile' });
      else if (!now || !sameDecision(decision, now)) {
        markAll(outcomes, decision, { status: 'skipped', error: id === objectId ? 'no longer needed after the object changed' : 'no longer needed after another object changed' });
      }
    }
    for (const id of decisions.keys()) if (!finished.has(id) && !order.includes(id)) order.push(id);
  };

  for (let i = 0; i < order.length; i++) {
    const objectId = order[i]!;
    if (finished.has(objectId)) continue;
    const decision = decisions.get(objectId);
    if (!decision) continue;
    let object = objects.get(objectId);
    if (!object && input.loadObject) {
      // Planned from the store: the text of an object is read only once a decision needs it.
      object = await input.loadObject(objectId);
      if (object) objects.set(objectId, object);
    }
    if (!object) continue;

    if (consecutiveTransportFailures >= MAX_CONSECUTIVE_TRANSPORT_FAILURES) {
      markAll(outcomes, decision, { status: 'failed', error: `not attempted: ${retryReason ?? 'the CalDAV server is failing'}` });
      finished.add(objectId);
      continue;
    }

    const failTransport = (error: CalDavError) => {
      markAll(outcomes, decision, { status: 'failed', error: publicCalDavMessage(error) });
      finished.add(objectId);
      consecutiveTransportFailures++;
      retryReason = transportReason(error, consecutiveTransportFailures);
    };

    let read: ReadObject;
    try {
      const current = await withEtag(object, input.client);
      if (current.kind === 'changed') {
        // The object had no ETag, and what the server holds now is not the text we planned on.
        if (current.fresh?.etag === null) {
          markAll(outcomes, decision, { status: 'failed', error: 'the server gives no ETag for this object; refusing an unconditional write' });
          finished.add(objectId);
        } else {
          replan(objectId, current.fresh);
          i--;
        }
        continue;
      }
      read = current.read;
    } catch (error) {
      if (!(error instanceof CalDavError) || isRefused(error)) throw error;
      failTransport(error);
      continue;
    }

    const losers = losersOf(plan, decision);
    try {
      const { mails, refused } = input.mailQueue ? notificationsFor(losers, input) : { mails: [], refused: [] };
      await applyDecision(read, decision, input, mails);
      mailsQueued += mails.length;
      markAll(outcomes, decision, { status: 'applied' });
      for (const key of refused) outcomes.set(key, { status: 'applied', mail: RECIPIENT_REFUSED });
      consecutiveTransportFailures = 0;
      finished.add(objectId);
    } catch (error) {
      if (error instanceof IcalError) {
        // This object cannot be edited as planned; the others can.
        markAll(outcomes, decision, { status: 'failed', error: UNREADABLE_DATA });
        finished.add(objectId);
        continue;
      }
      // Anything else (PostgreSQL or Redis down, a bug) stops the clear; the job retries, and the
      // retry reconciles whatever this attempt left pending.
      if (!(error instanceof CalDavError)) throw error;
      const stale = error.code === 'PRECONDITION_FAILED' || error.code === 'NOT_FOUND';
      const tries = (attempts.get(objectId) ?? 0) + 1;
      attempts.set(objectId, tries);
      if (stale && tries < MAX_ATTEMPTS) {
        consecutiveTransportFailures = 0;
        let fresh: CalendarObject | undefined;
        try {
          fresh = await input.client.fetchObject(object.href);
        } catch (readError) {
          if (!(readError instanceof CalDavError) || isRefused(readError)) throw readError;
          failTransport(readError);
          continue;
        }
        replan(objectId, fresh);
        i--;
        continue;
      }
      if (isRefused(error) || !(error.retryable || error.failure === 'outcome-unknown')) {
        markAll(outcomes, decision, { status: 'failed', error: publicCalDavMessage(error) });
        finished.add(objectId);
        if (isRefused(error)) consecutiveTransportFailures = 0;
      } else {
        failTransport(error);
      }
    }
    await input.onApplied(finished.size, decisions.size);
  }
  return { outcomes, plan: reported.plan(), mailsQueued, retryReason };
}

function transportReason(error: CalDavError, consecutive: number): string {
  return consecutive >= MAX_CONSECUTIVE_TRANSPORT_FAILURES
    ? `stopped after ${consecutive} CalDAV failures in a row (last: ${publicCalDavMessage(error)})`
    : `a CalDAV write failed and is retried later (${publicCalDavMessage(error)})`;
}

/**
 * The object with the ETag of exactly the text we planned on. Without one, it is re-read: the
 * fresh ETag is used only when the fresh text is the same; otherwise the caller re-plans on the
 * fresh version (or finds it gone, or still without an ETag).
 */
async function withEtag(
  object: CalendarObject,
  client: CalDavClient,
): Promise<{ kind: 'ready'; read: ReadObject } | { kind: 'changed'; fresh: CalendarObject | undefined }> {
  if (object.etag) return { kind: 'ready', read: { href: object.href, etag: object.etag, data: object.data } };
  const fresh = await client.fetchObject(object.href);
  if (fresh?.etag && fresh.data === object.data) return { kind: 'ready', read: { href: object.href, etag: fresh.etag, data: object.data } };
  return { kind: 'changed', fresh };
}

function losersOf(plan: ClearingPlan, decision: ObjectDecision): Loser[] {
  const keys = new Set(decision.kind === 'delete' ? decision.keys : decision.edits.map((e) => e.key));
  return plan.losers.filter((l) => keys.has(decisionKey('loser', l.occurrence)));
}

/** The mails that follow a write, and the decision keys of losers whose organizer may not be mailed. */
function notificationsFor(losers: Loser[], input: ApplyInput): { mails: NotifyPayload[]; refused: string[] } {
  const mails: NotifyPayload[] = [];
  const refused: string[] = [];
  for (const loser of losers) {
    const mail = notificationFor(loser, { calendarId: input.record.calendarId, clearJobId: input.record.jobId, priorityTokens: input.priorityTokens });
    if (!mail) continue;
    if (input.mailAllowed && !input.mailAllowed(mail.to)) refused.push(decisionKey('loser', loser.occurrence));
    else mails.push(mail);
  }
  return { mails, refused };
}

function markAll(outcomes: Outcomes, decision: ObjectDecision, outcome: { status: 'applied' | 'failed' | 'skipped'; error?: string }) {
  const keys = decision.kind === 'delete' ? decision.keys : decision.edits.map((e) => e.key);
  for (const key of keys) outcomes.set(key, outcome);
}

function sameDecision(a: ObjectDecision, b: ObjectDecision): boolean {
  const keys = (d: ObjectDecision) => (d.kind === 'delete' ? d.keys : d.edits.map((e) => `${e.action}|${e.key}`)).slice().sort().join('\n');
  return a.kind === b.kind && keys(a) === keys(b);
}

async function applyDecision(object: ReadObject, decision: ObjectDecision, input: ApplyInput, mails: NotifyPayload[]): Promise<void> {
  const uid = uidOf(object.href, input.occurrences);
  const afterWrite = async (auditId: number) => {
    if (input.mailQueue && mails.length > 0) await queueMails(input.mailQueue, auditId, mails);
  };
  let change: AuditedChange;
  let meta: { recurrenceId: string | null; action: string };
  if (decision.kind === 'delete') {
    change = { kind: 'delete', object };
    meta = { recurrenceId: null, action: 'deleted' };
  } else {
    let text = object.data;
    for (const edit of decision.edits) {
      text =
        edit.action === 'decline' && input.roomAddress
          ? declineOccurrence(text, { recurrenceId: edit.recurrenceId, attendee: input.roomAddress, now: input.now, defaultTimeZone: input.timeZone })
          : cancelOccurrence(text, { recurrenceId: edit.recurrenceId, now: input.now, defaultTimeZone: input.timeZone });
    }
    const actions = new Set(decision.edits.map((e) => (e.action === 'decline' && input.roomAddress ? 'declined' : 'cancelled')));
    change = { kind: 'update', object, text };
    meta = { recurrenceId: decision.edits.map((e) => e.recurrenceId).join(','), action: actions.size === 1 ? [...actions][0]! : 'edited' };
  }
  const trail = input.audit.trail({ ...input.record, uid, ...meta, notifications: mails });
  await auditedWrite(input.client, trail, change, { afterWrite });
}

function uidOf(href: string, occurrences: Occurrence[]): string {
  return occurrences.find((o) => o.objectId === href)?.uid ?? href;
}

/**
 * The original plan plus every loser or cancelled object a re-plan added, so the report lists
 * what was planned first (with its outcome) and anything found on the way.
 */
class PlanUnion {
  private readonly losers: Loser[];
  private readonly cancelled: ClearingPlan['deletedCancelled'];
  private readonly keys = new Set<string>();

  constructor(private readonly original: ClearingPlan) {
    this.losers = [...original.losers];
    this.cancelled = [...original.deletedCancelled];
    for (const l of original.losers) this.keys.add(decisionKey('loser', l.occurrence));
    for (const d of original.deletedCancelled) this.keys.add(decisionKey('cancelled', d.occurrence));
  }

  add(plan: ClearingPlan): void {
    for (const l of plan.losers) {
      const key = decisionKey('loser', l.occurrence);
      if (this.keys.has(key)) continue;
      this.keys.add(key);
      this.losers.push(l);
    }
    for (const d of plan.deletedCancelled) {
      const key = decisionKey('cancelled', d.occurrence);
      if (this.keys.has(key)) continue;
      this.keys.add(key);
      this.cancelled.push(d);
    }
  }

  plan(): ClearingPlan {
    return { deletedCancelled: this.cancelled, losers: this.losers, ignored: this.original.ignored };
  }
}
