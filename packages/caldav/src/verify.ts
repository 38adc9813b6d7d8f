import { propfind } from 'tsdav';

import { CalDavError } from './errors.js';
import { Transport } from './transport.js';

export interface VerifyTarget {
  url: string;
  username: string;
  password: string;
  /** per request; a verification is one PROPFIND */
  timeoutMs?: number;
  /** Allow link-local / cloud metadata addresses; off by default. */
  allowPrivateAddress?: boolean | undefined;
}

/** Why a URL and credentials cannot be used as a room calendar, in words an administrator acts on. */
export type VerifyProblem = 'wrong-credentials' | 'forbidden' | 'no-such-collection' | 'not-a-calendar' | 'unreachable' | 'server-error';

export type VerifyResult =
  | { ok: true; displayName: string | null }
  | { ok: false; problem: VerifyProblem; message: string };

/**
 * Asks the server about a calendar collection before roombook stores it (one PROPFIND, Depth 0,
 * for DAV:resourcetype and DAV:displayname), so a typo in the URL or the password shows up now,
 * not as a failed booking later. Never throws for what the server answers; the message never
 * contains the password.
 */
export async function verifyCalendarCollection(target: VerifyTarget): Promise<VerifyResult> {
  const transport = new Transport({ username: target.username, password: target.password, timeoutMs: target.timeoutMs ?? 15_000, allowPrivateAddress: target.allowPrivateAddress });
  let responses;
  try {
    responses = await transport.run('PROPFIND', target.url, () =>
      propfind({
        url: target.url,
        depth: '0',
        props: { 'd:resourcetype': {}, 'd:displayname': {} },
        headers: { authorization: transport.authorization },
        fetch: transport.fetch,
      }),
    );
  } catch (error) {
    if (!(error instanceof CalDavError)) throw error;
    return { ok: false, ...describeFailure(error, target) };
  }
  const own = responses.find((r) => r.ok && r.props) ?? responses[0];
  const props = (own?.props ?? {}) as Record<string, unknown>;
  const resourceType = props['resourcetype'];
  const isCalendar = typeof resourceType === 'object' && resourceType !== null && 'calendar' in resourceType;
  if (!isCalendar) {
    const isCollection = typeof resourceType === 'object' && resourceType !== null && 'collection' in resourceType;
    return {
      ok: false,
      problem: 'not-a-calendar',
      message: `${target.url} is ${isCollection ? 'a collection but not a calendar (perhaps the parent folder of the calendars?)' : 'not a calendar collection'}; give the URL of the room's calendar itself`,
    };
  }
  const name = props['displayname'];
  return { ok: true, displayName: typeof name === 'string' ? name : name === undefined || name === null ? null : String(name) };
}

function describeFailure(error: CalDavError, target: VerifyTarget): { problem: VerifyProblem; message: string } {
  // Refused by our own transport (a link-local address, a redirect elsewhere), not by the server.
  if (error.status === null && error.code === 'FORBIDDEN') return { problem: 'forbidden', message: error.message };
  switch (error.code) {
    case 'UNAUTHORIZED':
      return { problem: 'wrong-credentials', message: `the server refused user "${target.username}" with this password (401): wrong user name or password` };
    case 'FORBIDDEN':
      return { problem: 'forbidden', message: `user "${target.username}" may not read ${target.url} (403): grant it access to the calendar on the server` };
    case 'NOT_FOUND':
      return { problem: 'no-such-collection', message: `there is no such collection at ${target.url} (${error.status}): check the URL` };
    case 'NETWORK':
    case 'TIMEOUT':
      return { problem: 'unreachable', message: `cannot reach the server: ${error.message}` };
    default:
      return { problem: 'server-error', message: `the server answered the PROPFIND with an error: ${error.message}` };
  }
}
