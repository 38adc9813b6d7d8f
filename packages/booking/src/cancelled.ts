import { isPast, marksObjectCancelled } from './classify.js';
import { compareChronological, compareStrings } from './order.js';
import type { DeletedCancelled, Occurrence } from './types.js';

/** The cancelled leftovers to delete, and the objects they cover (whose occurrences leave the walk). */
export interface CancelledObjects {
  deleted: DeletedCancelled[];
  objectIds: ReadonlySet<string>;
}

/**
 * Finds the objects to delete as cancelled leftovers (design §5 step 2): a cancelled non-recurring
 * event, or a series whose master is cancelled — each object once.
 *
 * An object is only deleted when at least one of its occurrences in the input ends after `now`:
 * clearing never touches the past, and a cancelled event that is wholly over is history, not a
 * leftover blocking the room. The representative occurrence reported is the earliest of the object
 * that ends after `now` — the first one its deletion actually frees. `items` are anything holding an
 * occurrence (the planner's candidates), so the planner need not copy its occurrences into an array.
 */
export function findCancelledObjects(items: readonly { occurrence: Occurrence }[], nowMs: number): CancelledObjects {
  const cancelledIds = new Set<string>();
  for (const { occurrence } of items) {
    if (marksObjectCancelled(occurrence)) cancelledIds.add(occurrence.objectId);
  }
  const representative = new Map<string, Occurrence>();
  // Nothing cancelled (the usual calendar): no second pass over every occurrence.
  for (const { occurrence } of cancelledIds.size > 0 ? items : []) {
    if (!cancelledIds.has(occurrence.objectId) || isPast(occurrence, nowMs)) continue;
    const current = representative.get(occurrence.objectId);
    if (current === undefined || compareChronological(occurrence, current) < 0) {
      representative.set(occurrence.objectId, occurrence);
    }
  }
  const deleted = [...representative.entries()]
    .map(([objectId, occurrence]) => ({ objectId, uid: occurrence.uid, occurrence }))
    .sort((a, b) => compareChronological(a.occurrence, b.occurrence) || compareStrings(a.objectId, b.objectId));
  return { deleted, objectIds: new Set(representative.keys()) };
}
