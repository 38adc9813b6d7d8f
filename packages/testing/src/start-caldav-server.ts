import type { ProvidedContext } from 'vitest';

import { sharedRadicale, type CalDavServerKind, type CalDavTestServer } from './caldav-servers.js';
import { startDavical } from './davical.js';
import { makeCalendar, type CalDavUser } from './radicale.js';
import { startSabreDav } from './sabredav.js';
import { startXandikos } from './xandikos.js';

export interface StartCalDavServerOptions {
  /** The run's Radicale (from the global setup), reused rather than started again. */
  radicale: { url: string; users: CalDavUser[] };
  /** A PostgreSQL server URL for DAViCal's database (created and dropped by the harness). */
  postgresUrl: string;
}

/** What the global setup provides, as vitest's `inject` hands it over (passed in: this module must not load vitest). */
type Inject = <K extends 'databaseUrl' | 'radicaleUrl' | 'radicaleUsers'>(key: K) => ProvidedContext[K];

/** Options for this run's servers: its Radicale, and DAViCal's database on the run's PostgreSQL server. */
export function runCalDavServerOptions(inject: Inject): StartCalDavServerOptions {
  const postgres = new URL(inject('databaseUrl'));
  postgres.pathname = '/postgres';
  return { radicale: { url: inject('radicaleUrl'), users: inject('radicaleUsers') }, postgresUrl: postgres.toString() };
}

/** Starts (or, for Radicale, borrows) one server of each kind, so a scenario can run on all of them. */
export async function startCalDavServer(kind: CalDavServerKind, options: StartCalDavServerOptions): Promise<CalDavTestServer> {
  switch (kind) {
    case 'radicale':
      return sharedRadicale(options.radicale.url, options.radicale.users);
    case 'xandikos':
      return startXandikos();
    case 'sabredav':
      return startSabreDav();
    case 'davical': {
      const davical = await startDavical(options.postgresUrl);
      return {
        kind,
        url: davical.url,
        users: davical.users,
        // DAViCal keeps a user's calendars right under /caldav.php/USER/, as Radicale does.
        makeCalendar: (user, name) => makeCalendar(davical.url, user, name),
        stop: davical.stop,
      };
    }
  }
}
