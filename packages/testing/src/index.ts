import './provided-context.js';

export * from './radicale.js';
export { startDavical, davicalUsers, type DavicalServer, type DavicalUser } from './davical.js';
export { makeCalendarAt, sharedRadicale, type CalDavServerKind, type CalDavTestServer } from './caldav-servers.js';
export { startXandikos, xandikosUsers } from './xandikos.js';
export { startSabreDav, sabreDavUsers } from './sabredav.js';
export { runCalDavServerOptions, startCalDavServer, type StartCalDavServerOptions } from './start-caldav-server.js';
export { createTestDatabase, type TestDatabase } from './database.js';
export * from './caldav-fixtures.js';
export { startSmtpServer, type SmtpServerOptions, type ReceivedMail, type TestSmtpServer } from './smtp-server.js';
export { seededRandom } from './random.js';
export { startPrivateRedis, waitForPort, type PrivateRedis } from './redis-server.js';
export { startPrivateCluster, type PrivateCluster } from './postgres-cluster.js';
export {
  startCalDavFaultProxy,
  collectionOf,
  type CalDavFaultProxy,
  type FaultAction,
  type FaultRule,
  type ProxiedRequest,
} from './caldav-fault-proxy.js';
export { launchChromium, CHROMIUM_PATH } from './browser.js';
export {
  DAYS_AHEAD,
  TEST_ZONE,
  addDays,
  compactDay,
  futureDay,
  futureWeekday,
  futureWorkday,
  isoWeekday,
  nextOffsetChange,
  offsetAtNoon,
  wallClockIso,
  wallClockLocalIso,
  type OffsetChange,
} from './dates.js';
export { busyYear, YEAR_DAY0, YEAR_OBJECTS, YEAR_ROOM, YEAR_WINDOW, YEAR_ZONE } from './busy-year.js';
