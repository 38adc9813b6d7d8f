import { loadEnvFile } from '@roombook/config';
import { assertMigrated, ensureDatabase } from '@roombook/db';
import closeWithGrace from 'close-with-grace';

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
  const app = await buildApp(config);
  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err) app.log.error({ err }, 'closing because of an error');
    await app.close();
  });
  await app.listen({ host: config.HOST, port: config.PORT });
}

await main();
