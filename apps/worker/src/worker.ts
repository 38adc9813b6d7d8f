import {
  createAuditLogRepository,
  createCalendarsRepository,
  createDatabase,
  createEmailTemplatesRepository,
  createPriorityTokensRepository,
  createSecretBox,
} from '@roombook/db';
import { createMailer, describeSmtpSettings, smtpSettings } from '@roombook/email';
import {
  CalendarJob,
  JobErrorCode,
  QueueName,
  createWorkerConnection,
  defaultJobOptions,
} from '@roombook/queue';
import { Queue, Worker, type Job } from 'bullmq';
import { pino, type Logger } from 'pino';

import { createCalendarLock } from './calendar-lock.js';
import type { WorkerConfig } from './config.js';
import { calendarOpener, type WorkerContext } from './context.js';
import { clearCalendar } from './handlers/clear-calendar.js';
import { createEvent } from './handlers/create-event.js';
import { deleteEvent } from './handlers/delete-event.js';
import { notify } from './handlers/notify.js';
import { JobFailure, toJobError } from './job-failure.js';
import { createPriorityMarker } from './priority-mark.js';
import { syncClearSchedules } from './schedules.js';

/** How often each worker re-reads auto_clear settings into job schedulers. */
const SCHEDULE_SYNC_MS = 60_000;

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
  const mailQueue = new Queue(QueueName.mail, {
    connection: redis,
    prefix: config.QUEUE_PREFIX,
    defaultJobOptions: {
      ...defaultJobOptions,
      attempts: config.MAIL_ATTEMPTS,
      backoff: { type: 'exponential', delay: config.MAIL_RETRY_DELAY_MS },
    },
  });
  // Clears this process queues itself (after a booking, on a schedule) retry and expire like the API's jobs.
  const calendarQueue = new Queue(QueueName.calendar, { connection: redis, prefix: config.QUEUE_PREFIX, defaultJobOptions });
  const smtp = smtpSettings(config);
  if (smtp) log.info({ smtp: describeSmtpSettings(smtp) }, 'mail is on');
  else log.info('SMTP_SERVER is not set: mail is off; clears still work');

  const ctx: WorkerContext = {
    calendars,
    audit: createAuditLogRepository(database.db),
    priorityTokens: createPriorityTokensRepository(database.db),
    priorityMarker: createPriorityMarker(config.SECRET_KEY),
    mailEnabled: smtp !== null,
    withCalendarLock: createCalendarLock(redis, config.QUEUE_PREFIX),
    mailQueue,
    calendarQueue,
    autoClearAfterBookingMs: config.AUTO_CLEAR_AFTER_BOOKING_MS,
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
          case CalendarJob.clearCalendar:
            return await clearCalendar(job, ctx);
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
      // A CalDAV call has its own timeout; the lock is renewed while a long clear runs. A worker
      // killed mid-job stops renewing it: within about JOB_LOCK_MS another worker takes the job
      // over (its retry reconciles the audit entries the dead one left pending).
      lockDuration: config.JOB_LOCK_MS,
      stalledInterval: Math.max(500, Math.floor(config.JOB_LOCK_MS / 2)),
    },
  );
  attachLogging(calendarWorker, log);
  await calendarWorker.waitUntilReady();
  log.info({ queue: QueueName.calendar, concurrency: config.WORKER_CONCURRENCY }, 'worker started');

  const mailer = smtp ? createMailer(smtp) : undefined;
  const templates = createEmailTemplatesRepository(database.db);
  const mailWorker = mailer
    ? new Worker(
        QueueName.mail,
        async (job: Job) => {
          try {
            return await notify(job, { calendars, templates, mailer });
          } catch (error) {
            throw toJobError(error);
          }
        },
        { connection: redis, prefix: config.QUEUE_PREFIX, concurrency: 2 },
      )
    : undefined;
  if (mailWorker) {
    attachLogging(mailWorker, log);
    await mailWorker.waitUntilReady();
  }

  const sync = () =>
    syncClearSchedules(calendarQueue, calendars, log).catch((error: unknown) => log.warn({ err: error }, 'auto-clear schedule sync failed'));
  await sync();
  const syncTimer = setInterval(sync, SCHEDULE_SYNC_MS);
  syncTimer.unref();

  return {
    async close() {
      clearInterval(syncTimer);
      await Promise.all([calendarWorker.close(), mailWorker?.close()]);
      mailer?.close();
      await Promise.all([mailQueue.close(), calendarQueue.close()]);
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


