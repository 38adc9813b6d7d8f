import { createHash, randomUUID } from 'node:crypto';

import { stringifyChunked } from '@discoveryjs/json-ext';
import type { Redis } from 'ioredis';

import { CalendarJob } from './names.js';
import { completedJobRetentionSeconds } from './job-options.js';
import type { ClearReport } from './jobs/clear-calendar.js';

/** How many items each of a clear report's lists holds, and how many of its items failed. */
export interface ClearCounts {
  deleted_cancelled_events: number;
  deleted_overlapping_events: number;
  cancelled_overlapping_recurring_events: number;
  ignored_overlapping_events: number;
  unreadable_objects: number;
  truncated_series: number;
  /** Items (of any list) whose write failed. */
  failed_items: number;
}

/** A clear report's small fields and counts: what a reader needs without the lists. */
export interface ClearSummary {
  test_mode: boolean;
  mails_queued: number;
  windows: ClearReport['windows'];
  counts: ClearCounts;
}

/**
 * What a clear job hands BullMQ as its return value (what Bull Board and `job.returnvalue` show):
 * the report's summary and `report_ref`, the Redis key of the full report's JSON. A busy room's
 * report is ~10 MB; as the return value BullMQ serialised it twice and copied it into the job hash
 * and the events stream, which cost a dry run of an unchanged calendar more CPU than the clear
 * itself and doubled its peak RSS (issue 9). Readers get the full report through
 * {@link resolveClearResult}.
 */
export interface StoredClearResult extends ClearSummary {
  report_ref: string;
}

/** What a reader gets when the job still exists but its stored report is gone (see {@link clearReportTtlSeconds}). */
export interface ExpiredClearReport extends ClearSummary {
  report_expired: true;
}

/**
 * Reports live as long as completed jobs are kept (defaultJobOptions.removeOnComplete.age). BullMQ
 * removes old completed jobs only when a later job completes, so a job may outlive its report on a
 * quiet queue: readers then get the summary marked `report_expired`.
 */
export const clearReportTtlSeconds = completedJobRetentionSeconds;

/** The length of each of a clear report's lists: the counts its summary and its webhook event carry. */
export function listLengths(report: ClearReport): Omit<ClearCounts, 'failed_items'> {
  return {
    deleted_cancelled_events: report.deleted_cancelled_events.length,
    deleted_overlapping_events: report.deleted_overlapping_events.length,
    cancelled_overlapping_recurring_events: report.cancelled_overlapping_recurring_events.length,
    ignored_overlapping_events: report.ignored_overlapping_events.length,
    unreadable_objects: report.unreadable_objects.length,
    truncated_series: report.truncated_series.length,
  };
}

export function summarizeReport(report: ClearReport): ClearSummary {
  const changes = [
    report.deleted_cancelled_events,
    report.deleted_overlapping_events,
    report.cancelled_overlapping_recurring_events,
    report.ignored_overlapping_events,
  ];
  return {
    test_mode: report.test_mode,
    mails_queued: report.mails_queued,
    windows: report.windows,
    counts: {
      ...listLengths(report),
      failed_items: changes.reduce((n, list) => n + list.filter((i) => i.status === 'failed').length, 0),
    },
  };
}

export function isStoredClearResult(value: unknown): value is StoredClearResult {
  return typeof value === 'object' && value !== null && typeof (value as { report_ref?: unknown }).report_ref === 'string';
}

/**
 * The summary of a clear job's return value, without reading the report: the stored form's own
 * fields, or — for a job completed before reports were stored apart — the summary of the report
 * it holds. null for anything else (no result yet).
 */
export function clearSummaryOf(returnvalue: unknown): ClearSummary | null {
  if (isStoredClearResult(returnvalue)) {
    const { report_ref: _ref, ...summary } = returnvalue;
    return summary;
  }
  const report = returnvalue as ClearReport | null | undefined;
  return report && Array.isArray(report.deleted_overlapping_events) ? summarizeReport(report) : null;
}

/**
 * A clear job's full report, in the seed's shape, from its return value: read from Redis for the
 * stored form; the return value itself for a job completed before reports were stored apart. When
 * the stored report has expired, the summary with `report_expired: true`.
 */
export async function resolveClearResult(redis: Redis, returnvalue: unknown): Promise<ClearReport | ExpiredClearReport> {
  if (!isStoredClearResult(returnvalue)) return returnvalue as ClearReport;
  const json = await redis.get(returnvalue.report_ref);
  if (json === null) {
    const { report_ref: _ref, ...summary } = returnvalue;
    return { ...summary, report_expired: true };
  }
  return JSON.parse(json) as ClearReport;
}

/** Any calendar job's result as clients see it: a clear's report resolved, other results as they are. */
export async function resolveJobResult(redis: Redis, jobName: string, returnvalue: unknown): Promise<unknown> {
  return jobName === CalendarJob.clearCalendar && returnvalue != null ? resolveClearResult(redis, returnvalue) : returnvalue;
}

export function isExpiredClearReport(value: unknown): value is ExpiredClearReport {
  return typeof value === 'object' && value !== null && (value as { report_expired?: unknown }).report_expired === true;
}

/** Where a report's JSON is kept: addressed by its content (SHA-256 of its JSON), so identical reports share one key. */
const reportKeyOf = (prefix: string, sha256: string) => `${prefix}:clear-report:${sha256}`;

/**
 * Characters of JSON serialised, encoded and written at a time: a busy room's report (~10.6 MB of
 * UTF-8) goes in ~40 pieces, so the worker never holds it as one string.
 */
const REPORT_PIECE_CHARS = 256 * 1024;

export interface ClearReportStore {
  /** Stores the report (once per content) and answers the job's return value. */
  store(report: ClearReport): Promise<StoredClearResult>;
}

/**
 * The worker's side. A report is serialised in pieces (@discoveryjs/json-ext, whose output is
 * JSON.stringify's to the byte), each piece encoded, hashed and appended to a key of its own,
 * which is renamed to the content's key once the digest is known. As one string, a busy room's
 * report was ~21 MB on the heap (two bytes a character: reasons hold "–"), plus its UTF-8 copy
 * for the hash, plus the RESP command ioredis builds by concatenating it and that command's UTF-8
 * copy on the socket: the worker's peak RSS of a clear (issue 9). Readers see only the renamed
 * key, so never a partial report.
 *
 * The same report object handed out again (the worker's dry-run report cache) costs one EXPIRE and
 * no serialisation; a report equal to one already stored (another process, a restart) costs the
 * serialisation and a write of the pieces that is then dropped, and keeps the stored key.
 */
export function createClearReportStore(
  redis: Redis,
  prefix: string,
  ttlSeconds = clearReportTtlSeconds,
  pieceChars = REPORT_PIECE_CHARS,
): ClearReportStore {
  // Keyed by the object: reports handed out by the cache are never changed, and a real clear's
  // report, never reused, is dropped with it.
  const stored = new WeakMap<ClearReport, StoredClearResult>();
  return {
    async store(report) {
      const known = stored.get(report);
      if (known && (await redis.expire(known.report_ref, ttlSeconds)) === 1) return known;
      const key = await writeReport(redis, prefix, ttlSeconds, pieceChars, report);
      const result: StoredClearResult = { ...summarizeReport(report), report_ref: key };
      stored.set(report, result);
      return result;
    },
  };
}

/** Writes the report's JSON piece by piece and answers the key it is stored under (see createClearReportStore). */
async function writeReport(redis: Redis, prefix: string, ttlSeconds: number, pieceChars: number, report: ClearReport): Promise<string> {
  const partial = `${prefix}:clear-report-partial:${randomUUID()}`;
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for (const chunk of stringifyChunked(report, { highWaterMark: pieceChars })) {
      const piece = Buffer.from(chunk);
      hash.update(piece);
      // The first piece sets the expiry (APPEND keeps it), so a worker dying mid-write leaves nothing for long.
      if (bytes === 0) await redis.set(partial, piece, 'EX', ttlSeconds);
      else await redis.append(partial, piece);
      bytes += piece.length;
    }
    const key = reportKeyOf(prefix, hash.digest('hex'));
    if ((await redis.expire(key, ttlSeconds)) === 1) {
      await redis.del(partial);
      return key;
    }
    // Only an expiry could have touched the partial key: refuse to name an incomplete report.
    const written = await redis.strlen(partial);
    if (written !== bytes) throw new Error(`clear report ${key}: ${written} of ${bytes} bytes written; not stored`);
    await redis.rename(partial, key);
    await redis.expire(key, ttlSeconds);
    return key;
  } catch (error) {
    await redis.del(partial).catch(() => {});
    throw error;
  }
}
