import type { ClearingPlan, Occurrence } from '@roombook/booking';

import { decisionKey } from './report.js';

export interface OccurrenceEdit {
  recurrenceId: string;
  action: 'decline' | 'cancel';
  key: string;
}

/** What to do to one calendar object: delete it, or write one new version carrying all its edits. */
export type ObjectDecision =
  | { kind: 'delete'; keys: string[] }
  | { kind: 'edit'; edits: OccurrenceEdit[] };

/**
 * Groups a plan's decisions by calendar object, so each object gets exactly one write (and one
 * audit entry): several lost occurrences of one series become one PUT.
 */
export function decisionsByObject(plan: ClearingPlan): Map<string, ObjectDecision> {
  const byObject = new Map<string, ObjectDecision>();
  const addDelete = (objectId: string, key: string) => {
    const current = byObject.get(objectId);
    if (current?.kind === 'delete') current.keys.push(key);
    else byObject.set(objectId, { kind: 'delete', keys: [key] });
  };
  for (const d of plan.deletedCancelled) addDelete(d.objectId, decisionKey('cancelled', d.occurrence));
  for (const loser of plan.losers) {
    const o: Occurrence = loser.occurrence;
    const key = decisionKey('loser', o);
    if (loser.action === 'delete' || o.recurrenceId === null) {
      addDelete(o.objectId, key);
      continue;
    }
    const current = byObject.get(o.objectId);
    if (current?.kind === 'delete') continue; // the whole object goes anyway
    const edit: OccurrenceEdit = { recurrenceId: o.recurrenceId, action: loser.action === 'decline' ? 'decline' : 'cancel', key };
    if (current) current.edits.push(edit);
    else byObject.set(o.objectId, { kind: 'edit', edits: [edit] });
  }
  return byObject;
}
