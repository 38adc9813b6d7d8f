import { ConfigError, loadEnvFile } from '@roombook/config';
import { assertMigrated } from '@roombook/db';
import { pino } from 'pino';

import { loadWorkerConfig } from './config.js';
import { startWorkers } from './worker.js';

/** Process entry of the worker: config, migrated database, workers, orderly shutdown on signals. */
async function main() {
  let config;
  try {
    loadEnvFile();
    config = loadWorkerConfig();
    await assertMigrated(config.DATABASE_URL);
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : (error as Error).message;
    console.error(`roombook-worker: ${message}`);
    process.exit(1);
  }
  const log = pino({ level: config.LOG_LEVEL });
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));
  process.on('uncaughtException', (error) => log.fatal({ err: error }, 'uncaught exception'));
  const workers = await startWorkers(config, { logger: log });
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'finishing active jobs, then closing');
      workers.close().then(
        () => process.exit(0),
        (error: unknown) => {
          log.error({ err: error }, 'error while closing');
          process.exit(1);
        },
      );
    });
  }
}

await main();
