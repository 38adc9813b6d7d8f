import { loadEnvFile } from '@roombook/config';
import { assertMigrated } from '@roombook/db';
import { pino } from 'pino';

import { loadWorkerConfig } from './config.js';
import { closeWithin } from './shutdown.js';
import { startWorkers } from './worker.js';

/** Start-up problems (bad settings, no database) are one line on stderr, never a stack trace. */
function refuseToStart(error: unknown): never {
  console.error(`roombook-worker: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

/**
 * Process entry of the worker: config, migrated database, workers, orderly shutdown on signals.
 * A crash (uncaught exception, unhandled rejection) is logged and ends the process with exit
 * code 1: its state is unknown, so a supervisor restarts it; its jobs and calendar leases expire
 * and other workers take them over.
 */
async function main() {
  let config;
  try {
    loadEnvFile();
    config = loadWorkerConfig();
    await assertMigrated(config.DATABASE_URL);
  } catch (error) {
    refuseToStart(error);
  }
  const log = pino({ level: config.LOG_LEVEL });
  const crash = (what: string) => (error: unknown) => {
    log.fatal({ err: error }, `${what}: exiting`);
    process.exit(1);
  };
  process.on('uncaughtException', crash('uncaught exception'));
  process.on('unhandledRejection', crash('unhandled rejection'));

  // The handlers go in before the workers start: startWorkers takes jobs before it returns (the
  // webhook and mirror workers, the schedules come after the calendar worker), and a signal in that
  // gap must still let the active job finish, not kill the process mid-write.
  const starting = startWorkers(config, { logger: log });
  void starting.catch(refuseToStart);
  const closeWorkers = async () => (await starting).close();
  const deadlineMs = config.WORKER_SHUTDOWN_TIMEOUT_MS;
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) {
        log.warn({ signal }, 'second signal: exiting without waiting for active jobs');
        process.exit(1);
      }
      stopping = true;
      log.info({ signal, deadlineMs }, 'finishing active jobs, then closing');
      closeWithin(closeWorkers, deadlineMs).then(
        (outcome) => {
          if (outcome === 'closed') process.exit(0);
          log.error({ deadlineMs }, 'shutdown deadline passed with jobs still active: exiting; they will be retried');
          process.exit(1);
        },
        (error: unknown) => {
          log.error({ err: error }, 'error while closing');
          process.exit(1);
        },
      );
    });
  }
  await starting;
}

await main();
