import { createAuditLogRepository, createCalendarsRepository, createDatabase, createSecretBox } from '@roombook/db';
import {
  CalendarJob,
  JobErrorCode,
  QueueName,
  createWorkerConnection,
  mailJobOptions,
} from '@roombook/queue';
import { Queue, Worker, type Job } from 'bullmq';
import { pino, type Logger } from 'pino';

import { createCalendarLock } from './calendar-lock.js';
import type { WorkerConfig } from './config.js';
import { calendarOpener, type WorkerContext } from './context.js';
import { createEvent } from './handlers/create-event.js';
import { deleteEvent } from './handlers/delete-event.js';
import { JobFailure, toJobError } from './job-failure.js';

export interface RunningWorkers {
  /** Finishes active jobs, then closes queues, Redis and PostgreSQL, in that order. */
  close: () => Promise<void>;
}

/**
 * Starts the `calendar` queue's worker (and, with mail configured, the `mail` worker) inside this
 * process. main.ts calls it for the real process; integration tests call it in-process.
 */
export async function startWorkers(config: WorkerConfig, options: { logger?: Logger } = {}): Promise<RunningWorkers> {
  const log = options.logger ?? pino({ level: config.LOG_LEVEL });
  const database = createDatabase(config.DATABASE_URL, { max: config.WORKER_CONCURRENCY + 2 });
  const calendars = createCalendarsRepository(database.db, createSecretBox(config.SECRET_KEY));
  const redis = createWorkerConnection(config.REDIS_URL);
  redis.on('error', (error) => log.warn({ err: error }, 'redis connection error'));
  const mailQueue = new Queue(QueueName.mail, { connection: redis, prefix: config.QUEUE_PREFIX, defaultJobOptions: mailJobOptions });

  const ctx: WorkerContext = {
    db: database.db,
    calendars,
    audit: createAuditLogRepository(database.db),
    withCalendarLock: createCalendarLock(redis, config.QUEUE_PREFIX),
    mailQueue,
    defaultTimeZone: config.TIME_ZONE,
    caldavTimeoutMs: config.CALDAV_TIMEOUT_MS,
    log,
    openCalendar: calendarOpener(calendars, config.CALDAV_TIMEOUT_MS),
  };

  const calendarWorker = new Worker(
    QueueName.calendar,
    async (job: Job) => {
      try {
        switch (job.name) {
          case CalendarJob.createEvent:
            return await createEvent(job, ctx);
          case CalendarJob.deleteEvent:
            return await deleteEvent(job, ctx);
          default:
            throw new JobFailure(JobErrorCode.invalidPayload, `unknown job "${job.name}"`, true);
        }
      } catch (error) {
        throw toJobError(error);
      }
    },
    {
      connection: redis,
      prefix: config.QUEUE_PREFIX,
      concurrency: config.WORKER_CONCURRENCY,
      // A CalDAV call has its own timeout; the lock is renewed while a long clear runs.
      lockDuration: 60_000,
    },
  );
  attachLogging(calendarWorker, log);
  await calendarWorker.waitUntilReady();
  log.info({ queue: QueueName.calendar, concurrency: config.WORKER_CONCURRENCY }, 'worker started');

  return {
    async close() {
      await calendarWorker.close();
      await mailQueue.close();
      redis.disconnect();
      await database.close();
    },
  };
}

function attachLogging(worker: Worker, log: Logger) {
  worker.on('completed', (job) => log.info({ jobId: job.id, job: job.name }, 'job completed'));
  worker.on('failed', (job, error) =>
    log.warn({ jobId: job?.id, job: job?.name, attempts: job?.attemptsMade, error: error.message }, 'job failed'),
  );
  worker.on('error', (error) => log.error({ err: error }, 'worker error'));
}


