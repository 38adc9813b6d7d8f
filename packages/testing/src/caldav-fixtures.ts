import { randomBytes } from 'node:crypto';
import { createServer, type Socket } from 'node:net';

import { freePort } from './radicale.js';

/** A collection name no other test (or run) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export interface TestEvent {
  uid: string;
  start: Date;
  end: Date;
  summary?: string;
  /** e.g. `FREQ=WEEKLY;COUNT=10` */
  rrule?: string;
}

/** A minimal VCALENDAR with one UTC VEVENT, CRLF line endings, as a CalDAV client would PUT it. */
export function icsEvent(event: TestEvent): string {
  const utc = (date: Date) => `${date.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//roombook//tests//EN',
    'BEGIN:VEVENT',
    `UID:${event.uid}`,
    'DTSTAMP:20260101T000000Z',
    `DTSTART:${utc(event.start)}`,
    `DTEND:${utc(event.end)}`,
    `SUMMARY:${event.summary ?? event.uid}`,
    ...(event.rrule ? [`RRULE:${event.rrule}`] : []),
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.join('\r\n') + '\r\n';
}

/** A loopback URL where nothing listens (connection refused), for "server down" tests. */
export async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}/rooms/cal/`;
}

export interface SilentServer {
  url: string;
  close: () => Promise<void>;
}

/** A server that accepts connections and never answers, for timeout tests. */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('silent server has no address');
  return {
    url: `http://127.0.0.1:${address.port}/rooms/cal/`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A sync token of the server's own shape that it never issued, as a store holds after the server
 * was restored from a backup: RFC 6578 has the server refuse it (DAViCal answers it as a first sync).
 */
export function unissuedSyncToken(token: string): string {
  const forged = token.replace(/[^/:,]+$/, '999999');
  return forged === token ? `${token}x` : forged;
}
