export * from './radicale.js';
export { createTestDatabase, type TestDatabase } from './database.js';
export * from './caldav-fixtures.js';
