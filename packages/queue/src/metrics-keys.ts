/**
 * Where worker processes leave their metrics for the API's `GET /metrics` (one Redis key per
 * process, expiring, plus a sorted set of who reported when). Shared here so writer and reader
 * cannot drift apart.
 */
export function workerMetricsKeys(prefix: string) {
  return {
    /** Sorted set: member = worker instance id, score = time of its last report (ms). */
    index: `${prefix}:metrics:workers`,
    /** String: the instance's prom-client `getMetricsAsJSON()` snapshot, as JSON. */
    snapshot: (instance: string) => `${prefix}:metrics:worker:${instance}`,
  };
}
