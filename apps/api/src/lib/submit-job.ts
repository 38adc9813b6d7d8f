import { createHash, randomUUID } from 'node:crypto';

import { JobErrorCode, parseJobError, resolveJobResult, type CalendarJobName } from '@roombook/queue';
import type { Job } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { problem } from '../problems.js';
import { refusalProblem } from './booking-policy.js';
import type { JobRef } from '../schemas/jobs.js';
import { jobUrl, toJobView } from './job-view.js';
import { preferredWait } from './prefer.js';

const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

/** HTTP status for a job that failed while the client waited (design §3: "answers its error"). */
const statusForJobError: Record<string, number> = {
  [JobErrorCode.notFound]: 404,
  [JobErrorCode.calendarGone]: 404,
  [JobErrorCode.conflict]: 409,
  [JobErrorCode.invalidPayload]: 422,
  [JobErrorCode.caldavAuth]: 502,
  [JobErrorCode.caldavRejected]: 502,
  [JobErrorCode.caldavUnavailable]: 503,
  // the service is misconfigured (its SECRET_KEY changed); nothing the client can do
  [JobErrorCode.credentialsUnreadable]: 500,
};

interface Submission<Extra> {
  name: CalendarJobName;
  payload: object;
  /** Response details fixed at first submission (e.g. the new event id), replayed with the key. */
  extra: Extra;
  /** The job's id when it must be findable by something else than the job reference (a booking's UID); else a random UUID. */
  jobId?: string;
}

interface IdempotencyRecord<Extra> {
  fingerprint: string;
  jobId: string;
  extra: Extra;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Enqueues a calendar job, honouring `Idempotency-Key` (IETF httpapi draft): the same key and
 * request from the same user gets the original job back; the same key with another request is
 * 422. The record lives in Redis for a day, beside the jobs it points to.
 */
export async function submitJob<Extra>(
  app: FastifyInstance,
  request: FastifyRequest,
  build: () => Submission<Extra>,
  /** distinguishes several jobs made by one request (one clear job per calendar) */
  scope = '',
): Promise<{ job: Job; extra: Extra }> {
  // BullMQ waits for a connection rather than failing; the API must not (design §3).
  app.queues.assertAvailable();
  const header = request.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  if (key === undefined) {
    const submission = build();
    return enqueue(app, submission, submission.jobId ?? randomUUID());
  }
  if (key.length === 0 || key.length > 255) {
    throw problem.validation('Idempotency-Key must be 1 to 255 characters', [
      { field: 'header.idempotency-key', message: 'must be 1 to 255 characters' },
    ]);
  }
  const userId = request.user!.id;
  const redisKey = `${app.queues.prefix}:idempotency:${userId}:${sha256(key)}${scope && `:${scope}`}`;
  const fingerprint = sha256(JSON.stringify([request.method, request.url, request.body ?? null]));
  const submission = build();
  const record: IdempotencyRecord<Extra> = { fingerprint, jobId: submission.jobId ?? randomUUID(), extra: submission.extra };
  const claimed = await app.queues.redis.set(redisKey, JSON.stringify(record), 'EX', IDEMPOTENCY_TTL_SECONDS, 'NX');
  if (claimed) {
    // Only a failed add frees the key: once the job is queued, a retry must find it.
    try {
      return await enqueue(app, submission, record.jobId);
    } catch (error) {
      await app.queues.redis.del(redisKey).catch(() => undefined);
      throw error;
    }
  }
  const stored = await app.queues.redis.get(redisKey);
  const previous = stored ? (JSON.parse(stored) as IdempotencyRecord<Extra>) : undefined;
  if (!previous) return submitJob(app, request, build, scope); // expired between SET and GET
  if (previous.fingerprint !== fingerprint) throw problem.idempotencyMismatch();
  const job = await app.queues.calendar.getJob(previous.jobId);
  if (!job) throw problem.conflict('a request with this Idempotency-Key is still being processed; retry shortly');
  return { job, extra: previous.extra };
}

/**
 * The state of jobs this process has just added, known without asking Redis: one `add` per job is
 * the only Redis round trip of an enqueue (issue 9). A job answered later (an idempotent replay)
 * is not in here, and its state is read.
 */
const stateAtEnqueue = new WeakMap<Job, string>();

async function enqueue<Extra>(app: FastifyInstance, submission: Submission<Extra>, jobId: string) {
  const job = await app.queues.calendar.add(submission.name, submission.payload, { jobId });
  stateAtEnqueue.set(job, (job.opts.delay ?? 0) > 0 ? 'delayed' : job.opts.priority ? 'prioritized' : 'waiting');
  return { job, extra: submission.extra };
}

/**
 * Answers for a submitted job. Without `Prefer: wait` (or when the job is not done in time):
 * 202 with the job reference and a Location to poll. When the job finished in time: whatever
 * `completed` returns (the seed's synchronous answer); when it failed: its problem document.
 * Takes the submission still on its way, so that the wait slot is asked for beside the job's add
 * (one Redis round trip fewer per waited booking, issue 9); a submission that fails gives the
 * slot back and its error is the answer.
 */
export async function answerJob<Extra, Accepted, Completed>(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  submitted: Promise<{ job: Job; extra: Extra }>,
  handlers: {
    accepted: (ref: JobRef, extra: Extra) => Accepted;
    /** sets the status code and returns the body of the synchronous answer */
    completed: (result: unknown, extra: Extra) => Completed;
  },
): Promise<Accepted | Completed> {
  const slot = waitSlot(app, request);
  let submission: { job: Job; extra: Extra };
  try {
    submission = await submitted;
  } catch (error) {
    void slot.then((held) => held?.release());
    throw error;
  }
  const { job, extra } = submission;
  return answerWithSlot(app, request, reply, [job], slot, {
    accepted: ([ref]) => handlers.accepted(ref!, extra),
    completed: ([result]) => handlers.completed(result, extra),
  });
}

/** {@link answerJob} for several jobs of one request: waits for all of them within one deadline. */
export async function answerJobs<Accepted, Completed>(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  jobs: Job[],
  handlers: {
    accepted: (refs: JobRef[]) => Accepted;
    completed: (results: unknown[]) => Completed;
  },
): Promise<Accepted | Completed> {
  return answerWithSlot(app, request, reply, jobs, waitSlot(app, request), handlers);
}

type Release = () => Promise<void>;

/**
 * The wait the request asked for, as a slot of its key's (RATE_LIMIT_WAITS_MAX): undefined when it
 * did not ask or the key holds too many waits already; then the preference is not applied (RFC
 * 7240 lets a server ignore it) and the answer is the usual 202.
 */
function waitSlot(app: FastifyInstance, request: FastifyRequest): Promise<{ release: Release; wait: number } | undefined> {
  const asked = preferredWait(request.headers.prefer);
  if (asked === undefined || asked <= 0) return Promise.resolve(undefined);
  return app.acquireWaitSlot(request).then((release) => release && { release, wait: asked });
}

async function answerWithSlot<Accepted, Completed>(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  jobs: Job[],
  slot: Promise<{ release: Release; wait: number } | undefined>,
  handlers: {
    accepted: (refs: JobRef[]) => Accepted;
    completed: (results: unknown[]) => Completed;
  },
): Promise<Accepted | Completed> {
  const held = await slot;
  try {
    return await answerOrWait(app, reply, jobs, handlers, held?.wait);
  } finally {
    // Sent, not awaited (a round trip fewer per waited booking, issue 9), and on the next turn, so
    // the answer is written first (each auto-pipeline batch costs ~0.2 ms to build when requests
    // are sparse). This process's next request of the key still counts after the release: the turn
    // runs before any new request is read, and the producer connection keeps order.
    if (held) setImmediate(() => void held.release());
  }
}

async function answerOrWait<Accepted, Completed>(
  app: FastifyInstance,
  reply: FastifyReply,
  jobs: Job[],
  handlers: { accepted: (refs: JobRef[]) => Accepted; completed: (results: unknown[]) => Completed },
  wait: number | undefined,
): Promise<Accepted | Completed> {
  let waited: string[] | undefined;
  if (wait !== undefined && wait > 0) {
    reply.header('Preference-Applied', `wait=${wait}`);
    const deadline = Date.now() + wait * 1000;
    const results = await Promise.all(jobs.map((job) => finished(app, job, deadline)));
    const failed = results.find((r) => r.state === 'failed');
    if (failed) {
      const { code, message } = parseJobError(failed.job.failedReason);
      if (code === JobErrorCode.conflict) throw refusalProblem(failed.job, message, await toJobView(failed.job, app.queues.redis)) ?? problem.jobFailed(409, code, message, await toJobView(failed.job, app.queues.redis));
      throw problem.jobFailed(statusForJobError[code] ?? 500, code, message, await toJobView(failed.job, app.queues.redis));
    }
    if (results.every((r) => r.state === 'completed')) return handlers.completed(results.map((r) => r.result));
    waited = results.map((r) => r.state);
  }
  const refs = await Promise.all(
    jobs.map(async (job, i) => ({
      id: job.id!,
      state: waited?.[i] ?? stateAtEnqueue.get(job) ?? (await job.getState()),
      url: jobUrl(job.id!),
    })),
  );
  reply.code(202);
  if (refs.length > 0) reply.header('Location', refs[0]!.url);
  return handlers.accepted(refs);
}

/**
 * Waits until the job finishes or the deadline passes. A completed job's result comes with its
 * completion event, so the usual answer needs no further reads (two round trips fewer per waited
 * booking, issue 9); after a failure or the deadline the fresh job and its state are read. A
 * clear's event carries the summary only: its report is read where the worker stored it.
 */
async function finished(app: FastifyInstance, job: Job, deadline: number): Promise<{ job: Job; state: string; result?: unknown }> {
  let completed: { result: unknown } | undefined;
  try {
    completed = { result: await job.waitUntilFinished(app.queues.calendarEvents(), Math.max(1, deadline - Date.now())) };
  } catch {
    // failed or timed out: the state below tells which
  }
  if (completed) return { job, state: 'completed', result: await resolveJobResult(app.queues.redis, job.name, completed.result) };
  const fresh = (await app.queues.calendar.getJob(job.id!)) ?? job;
  const state = await fresh.getState();
  return { job: fresh, state, ...(state === 'completed' && { result: await resolveJobResult(app.queues.redis, fresh.name, fresh.returnvalue) }) };
}
