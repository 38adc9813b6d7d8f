export * from './slices.js';
export { ConfigError, composeEnv, isTimeZone, loadConfig } from './load-config.js';
export { processEnv } from './process-env.js';
export { ensureSecretKey, findEnvFile, loadEnvFile } from './env-file.js';
