import { loadEnvFile } from '@roombook/config';
import { assertMigrated, ensureDatabase } from '@roombook/db';
import closeWithGrace from 'close-with-grace';
import { pino } from 'pino';

import { buildApp } from './app.js';
import { ConfigError, loadApiConfig } from './config.js';

const LOG_BUFFER_BYTES = 4096;
const LOG_FLUSH_MS = 1000;

/** Process entry of the API: validate config, refuse an unmigrated database, listen, close on signals. */
async function main() {
  let config;
  try {
    loadEnvFile();
    config = loadApiConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`roombook-api: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  try {
    await ensureDatabase(config.DATABASE_URL);
    await assertMigrated(config.DATABASE_URL);
  } catch (error) {
    console.error(`roombook-api: ${(error as Error).message}`);
    process.exit(1);
  }
  // Asynchronous, buffered stdout: request lines written one by one were a tenth of the enqueue
  // path's CPU (issue 9), and one write per line still ~8 % of its CPU profile (a profile of a process
  // on an overloaded machine; the bench's CPU per request did not show it). Lines are written once 4 KiB
  // have gathered or at the latest after a second (the timer); pino flushes the rest synchronously
  // when the process exits.
  const destination = pino.destination({ dest: 1, sync: false, minLength: LOG_BUFFER_BYTES });
  setInterval(() => {
    try {
      destination.flush();
    } catch {
      // destroyed: the process is exiting, and pino has flushed what was left
    }
  }, LOG_FLUSH_MS).unref();
  const app = await buildApp(config, {}, destination);
  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err) app.log.error({ err }, 'closing because of an error');
    await app.close();
  });
  await app.listen({ host: config.HOST, port: config.PORT });
}

await main();
