import { planClearing, type ClearingPlan, type Occurrence } from '@roombook/booking';
import { CalDavError, type CalDavClient, type CalendarObject } from '@roombook/caldav';
import type { AuditLogRepository } from '@roombook/db';
import { cancelOccurrence, declineOccurrence } from '@roombook/ical';

import { decisionsByObject, type ObjectDecision } from './decisions.js';
import type { Outcomes } from './report.js';

/** A write that met a newer version (412) is re-read, re-planned and retried this often. */
const MAX_ATTEMPTS = 3;

export interface ApplyInput {
  plan: ClearingPlan;
  objects: Map<string, CalendarObject>;
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
}

/**
 * Applies a clearing plan (design §5 step 5), one object at a time: audit entry first, then the
 * conditional write. A 412 means someone changed the object since we read it: re-fetch it,
 * re-plan with the new version and apply what the new plan says for that object — never write
 * over a version we have not planned against. Returns each decision's outcome.
 */
export async function applyPlan(input: ApplyInput): Promise<Outcomes> {
  const outcomes: Outcomes = new Map();
  const decisions = decisionsByObject(input.plan);
  let occurrences = input.occurrences;
  let done = 0;
  for (const [objectId, firstDecision] of decisions) {
    let decision: ObjectDecision | undefined = firstDecision;
    let object = input.objects.get(objectId);
    for (let attempt = 1; decision && object; attempt++) {
      try {
        await applyDecision(object, decision, input);
        markAll(outcomes, decision, { status: 'applied' });
        break;
      } catch (error) {
        if (error instanceof CalDavError && error.code === 'NOT_FOUND') {
          markAll(outcomes, firstDecision, { status: 'skipped', error: 'the object was removed meanwhile' });
          break;
        }
        const stale = error instanceof CalDavError && error.code === 'PRECONDITION_FAILED';
        if (!stale || attempt >= MAX_ATTEMPTS) {
          markAll(outcomes, decision, { status: 'failed', error: (error as Error).message });
          break;
        }
        const fresh = await input.client.fetchObject(object.href);
        occurrences = occurrences.filter((o) => o.objectId !== objectId);
        if (!fresh) {
          markAll(outcomes, firstDecision, { status: 'skipped', error: 'the object was removed meanwhile' });
          break;
        }
        occurrences.push(...input.expand(fresh));
        const replanned = decisionsByObject(
          planClearing({ occurrences, priorityTokens: input.priorityTokens, now: input.now }),
        ).get(objectId);
        markAll(outcomes, firstDecision, { status: 'skipped', error: 'no longer needed after the object changed' });
        object = fresh;
        decision = replanned;
      }
    }
    done++;
    await input.onApplied(done, decisions.size);
  }
  return outcomes;
}

function markAll(outcomes: Outcomes, decision: ObjectDecision, outcome: { status: 'applied' | 'failed' | 'skipped'; error?: string }) {
  const keys = decision.kind === 'delete' ? decision.keys : decision.edits.map((e) => e.key);
  for (const key of keys) outcomes.set(key, outcome);
}

async function applyDecision(object: CalendarObject, decision: ObjectDecision, input: ApplyInput): Promise<void> {
  const etag = object.etag ?? (await input.client.fetchObject(object.href))?.etag;
  if (!etag) throw new Error('the server gives no ETag for this object; refusing an unconditional write');
  const uid = uidOf(object, input.occurrences);
  if (decision.kind === 'delete') {
    const entry = await input.audit.record({ ...input.record, uid, recurrenceId: null, action: 'deleted', href: object.href, previousIcal: object.data });
    try {
      await input.client.deleteObject({ href: object.href, etag });
    } catch (error) {
      await input.audit.discard(entry.id);
      throw error;
    }
    return;
  }
  let text = object.data;
  for (const edit of decision.edits) {
    text =
      edit.action === 'decline' && input.roomAddress
        ? declineOccurrence(text, { recurrenceId: edit.recurrenceId, attendee: input.roomAddress, now: input.now, defaultTimeZone: input.timeZone })
        : cancelOccurrence(text, { recurrenceId: edit.recurrenceId, now: input.now, defaultTimeZone: input.timeZone });
  }
  const actions = new Set(decision.edits.map((e) => (e.action === 'decline' && input.roomAddress ? 'declined' : 'cancelled')));
  const entry = await input.audit.record({
    ...input.record,
    uid,
    recurrenceId: decision.edits.map((e) => e.recurrenceId).join(','),
    action: actions.size === 1 ? [...actions][0]! : 'edited',
    href: object.href,
    previousIcal: object.data,
  });
  try {
    const written = await input.client.updateObject({ href: object.href, etag }, text);
    await input.audit.setEtagAfter(entry.id, written.etag);
  } catch (error) {
    await input.audit.discard(entry.id);
    throw error;
  }
}

function uidOf(object: CalendarObject, occurrences: Occurrence[]): string {
  return occurrences.find((o) => o.objectId === object.href)?.uid ?? object.href;
}
