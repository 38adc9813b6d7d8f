import './provided-context.js';

export * from './radicale.js';
export { startDavical, davicalUsers, type DavicalServer, type DavicalUser } from './davical.js';
export { createTestDatabase, type TestDatabase } from './database.js';
export * from './caldav-fixtures.js';
export { startSmtpServer, type SmtpServerOptions, type ReceivedMail, type TestSmtpServer } from './smtp-server.js';
export { seededRandom } from './random.js';
export { startPrivateRedis, waitForPort, type PrivateRedis } from './redis-server.js';
export { startPrivateCluster, type PrivateCluster } from './postgres-cluster.js';
