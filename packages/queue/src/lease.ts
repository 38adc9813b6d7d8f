/**
 * The calendar lease must outlive any CalDAV request that passed its fence (see calendar-lock.ts):
 * twice the request timeout, and never under 30 s. Worker jobs and the service's restores use it.
 */
export function leaseMsFor(caldavTimeoutMs: number): number {
  return Math.max(30_000, 2 * caldavTimeoutMs);
}
