export * from './radicale.js';
export { createTestDatabase, type TestDatabase } from './database.js';
