export { createDatabase, type Database, type DatabaseHandle } from './client.js';
export { assertMigrated, ensureDatabase, migrateDatabase, migrationsFolder } from './migrate.js';
export { createSecretBox, generateApiToken, hashToken, type SecretBox } from './secret-box.js';
export { ConflictError, NotFoundError } from './errors.js';
export * from './repositories/users.js';
export * from './repositories/calendars.js';
export * from './repositories/audit-log.js';
export * as schema from './schema/index.js';
