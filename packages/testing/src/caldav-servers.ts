import { basicAuth, makeCalendar, type CalDavUser } from './radicale.js';

/** The CalDAV servers the suite runs against (README, "CalDAV servers"). */
export type CalDavServerKind = 'radicale' | 'xandikos' | 'sabredav' | 'davical';

/**
 * One running CalDAV server, whichever it is, so that a scenario can be written once and run on each:
 * servers differ in where a user's calendars live, so making a calendar is the server's business.
 */
export interface CalDavTestServer {
  kind: CalDavServerKind;
  /** Base URL, ending in a slash. */
  url: string;
  /** Users that can log in (Xandikos: any credentials pass, it has no authentication). */
  users: CalDavUser[];
  /** MKCALENDAR a fresh collection owned by `user`; returns its URL, ending in a slash. */
  makeCalendar(user: CalDavUser, name: string): Promise<string>;
  /** Stops what this handle started (nothing, for a shared server) and removes its state. */
  stop(): Promise<void>;
}

/** The global setup's Radicale as a CalDavTestServer; stopping it is the global teardown's job. */
export function sharedRadicale(url: string, users: CalDavUser[]): CalDavTestServer {
  return {
    kind: 'radicale',
    url,
    users,
    makeCalendar: (user, name) => makeCalendar(url, user, name),
    stop: async () => {},
  };
}

/** MKCALENDAR at an exact URL, as a client does; throws unless the server answers 201. */
export async function makeCalendarAt(url: string, user: CalDavUser, displayName: string): Promise<string> {
  const response = await fetch(url, {
    method: 'MKCALENDAR',
    headers: { authorization: basicAuth(user), 'content-type': 'application/xml' },
    body:
      '<?xml version="1.0" encoding="utf-8"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">' +
      `<D:set><D:prop><D:displayname>${displayName.replace(/[<&>]/g, '')}</D:displayname></D:prop></D:set></C:mkcalendar>`,
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status !== 201) throw new Error(`MKCALENDAR ${url} -> ${response.status}: ${(await response.text()).slice(0, 300)}`);
  return url;
}

/**
 * Waits until `url` answers at all (any status), or fails with what the server logged once the
 * process is gone (`exited`) or 15 s have passed.
 */
export async function waitForServer(url: string, name: string, log: () => string, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`${name} exited before answering on ${url}: ${log()}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`${name} did not answer on ${url}: ${log()}`);
}
