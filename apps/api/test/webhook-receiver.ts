import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';

import { Webhook } from 'standardwebhooks';

/** What a route does with its n-th request (1-based): answer a status, or hold it until released. */
export type Answer = number | { hold: Promise<number> } | 'hang';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The parsed body, after both signature checks passed; undefined when either failed. */
  event: { type: string; timestamp: string; data: Record<string, unknown> } | undefined;
}

/**
 * The Standard Webhooks check written from the specification alone, independent of the signer
 * (which uses the `standardwebhooks` library): HMAC-SHA256 over `id.timestamp.body` keyed with the
 * base64-decoded secret, compared in constant time with any `v1,` signature in the header.
 */
export function verifyBySpec(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.split(' ').some((s) => {
    const [version, value] = s.split(',');
    const given = Buffer.from(value ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/**
 * A real HTTP receiver on loopback. Each route has the secret of the webhook that posts to it and
 * decides its answers; every request is kept with whether its signature verified, both with the
 * specification's algorithm and with the `standardwebhooks` library's `verify`.
 */
export async function startReceiver() {
  const routes = new Map<string, { secret: string; answer: (n: number) => Answer }>();
  const received: Received[] = [];
  const held = new Set<ServerResponse>();
  const open = new Map<string, { now: number; max: number }>();
  const hold = (path: string, res: ServerResponse) => {
    held.add(res);
    const count = open.get(path) ?? { now: 0, max: 0 };
    count.now++;
    count.max = Math.max(count.max, count.now);
    open.set(path, count);
    res.on('close', () => {
      held.delete(res);
      count.now--;
    });
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const body = Buffer.concat(chunks).toString('utf8');
      const route = routes.get(path);
      let event: Received['event'];
      if (route && verifyBySpec(route.secret, req.headers, body)) {
        try {
          event = new Webhook(route.secret).verify(body, req.headers as Record<string, string>) as Received['event'];
        } catch {
          event = undefined;
        }
      }
      received.push({ path, headers: req.headers, body, event });
      const answer = route ? route.answer(received.filter((r) => r.path === path).length) : 404;
      if (answer === 'hang') {
        hold(path, res);
        return;
      }
      if (typeof answer === 'number') {
        res.writeHead(answer).end();
        return;
      }
      hold(path, res);
      void answer.hold.then((status) => {
        if (!res.destroyed) res.writeHead(status).end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  return {
    base,
    received,
    route(path: string, secret: string, answer: (n: number) => Answer = () => 204) {
      routes.set(path, { secret, answer });
    },
    at: (path: string) => received.filter((r) => r.path === path),
    /** Requests to `path` held open now, and the most ever held at once. */
    open: (path: string) => open.get(path) ?? { now: 0, max: 0 },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
