import {
  createAuditLogRepository,
  createCalendarStoreRepository,
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
  MirrorJob,
  QueueName,
  createCalendarLock,
  createClearReportStore,
  createWorkerConnection,
  defaultJobOptions,
  leaseMsFor,
  type ClearReport,
} from '@roombook/queue';
import { Queue, Worker, type Job } from 'bullmq';
import { pino, type Logger } from 'pino';

import type { WorkerConfig } from './config.js';
import { calendarOpener, type WorkerContext } from './context.js';
import { clearCalendar } from './handlers/clear-calendar.js';
import { createEvent } from './handlers/create-event.js';
import { deleteEvent } from './handlers/delete-event.js';
import { notify } from './handlers/notify.js';
import { JobFailure } from './job-failure.js';
import { startMetricsPublisher } from './metrics-publisher.js';
import { createWorkerMetrics } from './metrics.js';
import { createMailPolicy } from './mail-policy.js';
import { createPriorityMarker } from './priority-mark.js';
import { instrumentedProcessor } from './processor.js';
import { warnUnlessNoeviction } from './redis-checks.js';
import { withWebhookEvents } from './webhooks/emitting.js';
import { startWebhookDelivery } from './webhooks/start.js';
import { syncClearSchedules, syncMirrorSchedules } from './schedules.js';
import { refreshCalendar } from './handlers/refresh-calendar.js';
import { createMirrorSignals } from './store/mirror-signals.js';
import { ReportCache } from './clearing/report-cache.js';

/** How often each worker re-reads auto_clear settings into job schedulers. */
const SCHEDULE_SYNC_MS = 60_000;
/**
 * How long a job looks again for a busy calendar store before it is parked: longer than a
 * refresh of a few changed objects, shorter than a first refresh of a busy room (seconds), which
 * parks the job as before rather than holding a worker slot and the calendar's write lock.
 */
const STORE_LOCK_WAIT_IN_JOB_MS = 1000;
/**
 * The same for a calendar's write lock: long enough for the booking or cancellation ahead of a job
 * to finish (tens of ms; two clients booking one room at once), short, since a clear may hold the
 * lock for minutes and the waiting job holds a worker slot meanwhile.
 */
const CALENDAR_LOCK_WAIT_IN_JOB_MS = 250;

export interface RunningWorkers {
  /** Finishes active jobs, then closes queues, Redis and PostgreSQL, in that order. */
  close: () => Promise<void>;
  /** Hands this process's metrics to the API now (they also go every WORKER_METRICS_INTERVAL_MS). */
  publishMetrics: () => Promise<void>;
}

/**
 * Starts the `calendar` queue's worker (and, with mail configured, the `mail` worker) inside this
 * process. main.ts calls it for the real process; integration tests call it in-process.
 */
export async function startWorkers(config: WorkerConfig, options: { logger?: Logger } = {}): Promise<RunningWorkers> {
  const log = options.logger ?? pino({ level: config.LOG_LEVEL });
  // First, before any connection is opened: a bad SMTP setting stops the start with its message.
  const smtp = smtpSettings(config);
  const metrics = createWorkerMetrics();
  const database = createDatabase(config.DATABASE_URL, { max: config.WORKER_CONCURRENCY + 2 });
  const calendars = createCalendarsRepository(database.db, createSecretBox(config.SECRET_KEY));
  const redis = createWorkerConnection(config.REDIS_URL);
  redis.on('error', (error) => log.warn({ err: error }, 'redis connection error'));
  await warnUnlessNoeviction(redis, log);
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
  // Refreshes are cheap and frequent: a failed one is not retried (the next scheduled one comes soon).
  const mirrorQueue = new Queue(QueueName.mirror, {
    connection: redis,
    prefix: config.QUEUE_PREFIX,
    defaultJobOptions: { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100 } },
  });
  for (const queue of [mailQueue, calendarQueue, mirrorQueue]) queue.on('error', (error) => log.warn({ err: error }, 'queue error'));
  if (smtp) log.info({ smtp: describeSmtpSettings(smtp) }, 'mail is on');
  else log.info('SMTP_SERVER is not set: mail is off; clears still work');

  const mailRecipients = createMailPolicy(config.MAIL_ALLOWED_DOMAINS, () => calendars.knownMailAddresses());
  const ctx: WorkerContext = {
    calendars,
    audit: createAuditLogRepository(database.db),
    store: createCalendarStoreRepository(database.db),
    priorityTokens: createPriorityTokensRepository(database.db),
    reportCache: new ReportCache(),
    priorityMarker: createPriorityMarker(config.SECRET_KEY),
    mailEnabled: smtp !== null,
    withCalendarLock: createCalendarLock(redis, config.QUEUE_PREFIX, {
      leaseMs: leaseMsFor(config.CALDAV_TIMEOUT_MS),
      // A booking behind another booking of the same room was parked for 125-250 ms.
      waitInJobMs: CALENDAR_LOCK_WAIT_IN_JOB_MS,
      onWait: (_calendarId, delayMs) => metrics.lockWait(delayMs),
      onLeaseLost: (calendarId, reason) => {
        metrics.leaseLost();
        log.warn({ calendarId, reason }, 'calendar lock lease lost; the job stops before its next write');
      },
    }),
    withStoreLock: createCalendarLock(redis, `${config.QUEUE_PREFIX}:mirror`, {
      leaseMs: leaseMsFor(config.CALDAV_TIMEOUT_MS),
      // Its holders are short: the refresh our own write queued (tens of ms when one object
      // changed) or a booking's conflict check. A `reject` room's next booking used to find the
      // previous one's refresh running and was parked for 125-250 ms; it now waits for it.
      waitInJobMs: STORE_LOCK_WAIT_IN_JOB_MS,
      onLeaseLost: (calendarId, reason) => log.warn({ calendarId, reason }, 'calendar store lock lease lost'),
    }),
    mirror: createMirrorSignals(mirrorQueue, config.MIRROR_WRITE_DELAY_MS),
    mailQueue,
    mailRecipients,
    calendarQueue,
    autoClearAfterBookingMs: config.AUTO_CLEAR_AFTER_BOOKING_MS,
    openCalendar: calendarOpener(calendars, config.CALDAV_TIMEOUT_MS, metrics.caldavRequest),
  };

  // The whole error (a CalDAV server's answer, SQL, a stack) for operators; job results get a sentence.
  const logAttemptFailure = (job: Job, error: unknown) => log.warn({ jobId: job.id, job: job.name, err: error }, 'job attempt failed');
  const webhooks = await startWebhookDelivery({ config, redis, db: database.db, calendars, metrics, log });
  const clearReports = createClearReportStore(redis, config.QUEUE_PREFIX);
  const handleCalendarJob = withWebhookEvents(webhooks.emitter, log, async (job: Job) => {
    switch (job.name) {
      case CalendarJob.createEvent:
        return createEvent(job, ctx);
      case CalendarJob.deleteEvent:
        return deleteEvent(job, ctx);
      case CalendarJob.clearCalendar: {
        const report = await clearCalendar(job, ctx);
        metrics.clearReport(report);
        return report;
      }
      default:
        throw new JobFailure(JobErrorCode.invalidPayload, `unknown job "${job.name}"`, true);
    }
  });
  const calendarWorker = new Worker(
    QueueName.calendar,
    instrumentedProcessor(QueueName.calendar, metrics, async (job: Job) => {
      const result = await handleCalendarJob(job);
      // Metrics and webhooks had the whole report in process; BullMQ keeps only its summary and
      // the key it is stored under (issue 9: a busy room's report is ~10 MB).
      return job.name === CalendarJob.clearCalendar ? clearReports.store(result as ClearReport) : result;
    }, logAttemptFailure),
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

  const mirrorWorker = new Worker(
    QueueName.mirror,
    instrumentedProcessor(QueueName.mirror, metrics, async (job: Job) => {
      if (job.name !== MirrorJob.refresh) throw new JobFailure(JobErrorCode.invalidPayload, `unknown job "${job.name}"`, true);
      return refreshCalendar(job, ctx);
    }, logAttemptFailure),
    { connection: redis, prefix: config.QUEUE_PREFIX, concurrency: config.WORKER_CONCURRENCY, lockDuration: config.JOB_LOCK_MS },
  );
  attachLogging(mirrorWorker, log);
  await mirrorWorker.waitUntilReady();

  const mailer = smtp ? createMailer(smtp) : undefined;
  const templates = createEmailTemplatesRepository(database.db);
  const mailWorker = mailer
    ? new Worker(
        QueueName.mail,
        instrumentedProcessor(QueueName.mail, metrics, (job: Job) => notify(job, { calendars, templates, mailer, mailRecipients }), logAttemptFailure),
        { connection: redis, prefix: config.QUEUE_PREFIX, concurrency: 2 },
      )
    : undefined;
  if (mailWorker) {
    attachLogging(mailWorker, log);
    await mailWorker.waitUntilReady();
  }
  if (mailer && smtp) {
    // A wrong host, port, TLS mode or password: one line now, rather than a failure per mail later.
    mailer.verify().then(
      () => log.info({ smtp: describeSmtpSettings(smtp) }, 'SMTP server accepted the connection'),
      (error: unknown) =>
        log.warn(`SMTP check failed for ${describeSmtpSettings(smtp)}: ${(error as Error).message}; mails will be retried`),
    );
  }
  const publisher = startMetricsPublisher({
    redis,
    prefix: config.QUEUE_PREFIX,
    registry: metrics.registry,
    intervalMs: config.WORKER_METRICS_INTERVAL_MS,
    log,
  });
  await publisher.publish();

  const sync = () =>
    Promise.all([
      syncClearSchedules(calendarQueue, calendars, log).catch((error: unknown) => log.warn({ err: error }, 'auto-clear schedule sync failed')),
      syncMirrorSchedules(mirrorQueue, ctx.store.calendarIds, config.MIRROR_REFRESH_SECONDS, log).catch((error: unknown) =>
        log.warn({ err: error }, 'mirror refresh schedule sync failed'),
      ),
    ]);
  await sync();
  const syncTimer = setInterval(sync, SCHEDULE_SYNC_MS);
  syncTimer.unref();

  return {
    publishMetrics: publisher.publish,
    async close() {
      clearInterval(syncTimer);
      await Promise.all([calendarWorker.close(), mirrorWorker.close(), mailWorker?.close()]);
      await webhooks.close();
      publisher.stop();
      // The last numbers, so jobs finished while closing are counted.
      await publisher.publish();
      mailer?.close();
      await Promise.all([mailQueue.close(), calendarQueue.close(), mirrorQueue.close()]);
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
  // BullMQ hands a job whose claim was not renewed for JOB_LOCK_MS to a worker again: its worker
  // died, or Redis restarted while the job was being handed out and the answer never arrived.
  worker.on('stalled', (jobId, previous) => log.warn({ jobId, previous }, 'job stalled: its claim ran out; it runs again'));
  worker.on('error', (error) => log.error({ err: error }, 'worker error'));
}


