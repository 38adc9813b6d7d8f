/** Longest `Prefer: wait` we honour (design §3). */
export const MAX_WAIT_SECONDS = 60;

/**
 * `Prefer: wait=N` (RFC 7240 §4.3): how long the client is willing to wait for the job, in
 * seconds, capped at {@link MAX_WAIT_SECONDS}; undefined when it did not ask.
 */
export function preferredWait(header: string | string[] | undefined): number | undefined {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  for (const value of values) {
    for (const preference of value.split(',')) {
      const match = /^\s*wait\s*=\s*"?(\d+)"?\s*$/i.exec(preference.split(';')[0] ?? '');
      if (match) return Math.min(Number(match[1]), MAX_WAIT_SECONDS);
    }
  }
  return undefined;
}
