import { loadEnvFile } from '@roombook/config';
import { assertMigrated, ensureDatabase } from '@roombook/db';
import closeWithGrace from 'close-with-grace';
import { pino } from 'pino';

import { buildApp } from './app.js';
import { ConfigError, loadApiConfig } from './config.js';

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
  // Asynchronous stdout: two request lines per call written synchronously were a tenth of the
  // enqueue path's CPU (issue 9). Lines are buffered only while a write is in flight, and pino
  // flushes the rest synchronously when the process exits.
  const app = await buildApp(config, {}, pino.destination({ dest: 1, sync: false }));
  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err) app.log.error({ err }, 'closing because of an error');
    await app.close();
  });
  await app.listen({ host: config.HOST, port: config.PORT });
}

await main();
