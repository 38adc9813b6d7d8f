export * from './slices.js';
export { ConfigError, composeEnv, loadConfig } from './load-config.js';
// TIME_ZONE is checked with it; the API and the admin rules check request zones the same way.
export { isTimeZone } from '@roombook/zones';
export { processEnv } from './process-env.js';
export { ensureSecretKey, findEnvFile, loadEnvFile } from './env-file.js';
