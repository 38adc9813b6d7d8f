import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * What the proxy does with a request a rule matches:
 * - `forward`: pass it on unchanged (the default for requests no rule matches);
 * - `drop-after-forward`: pass it on, wait for the server's whole answer (so the write HAS happened),
 *   then close the client's connection without answering — the "outcome unknown" case;
 * - `bad-gateway`: answer 502 with an HTML page, as a reverse proxy in front of a dead server does;
 *   the request never reaches the server;
 * - `reset`: reset the client's connection (TCP RST) before forwarding anything;
 * - `delay`: wait `ms`, then forward (to slow a server down, or to widen a race window).
 */
export type FaultAction =
  | { kind: 'forward' }
  | { kind: 'drop-after-forward' }
  | { kind: 'bad-gateway' }
  | { kind: 'reset' }
  | { kind: 'delay'; ms: number };

export interface FaultRule {
  /** HTTP method(s) the rule applies to (upper case); every method when absent. */
  method?: string | readonly string[];
  /** Only requests whose path contains this text (e.g. a collection's path, or `.ics`). */
  pathIncludes?: string;
  /**
   * Which of the matching requests, counted from 1 per rule since it was added: one call number, a
   * list, or `{ from, to }` (inclusive, either end open). Every matching request when absent.
   */
  calls?: number | readonly number[] | { from?: number; to?: number };
  action: FaultAction;
}

/** One request as the proxy saw it. */
export interface ProxiedRequest {
  method: string;
  /** Path and query, as sent by the client. */
  path: string;
  /** The collection a write goes to (see {@link collectionOf}); null for reads. */
  collection: string | null;
  action: FaultAction['kind'];
  /** The server's status; null when the client got no answer from the server (reset, 502, dropped). */
  upstreamStatus: number | null;
  /** Writes to the same collection in flight when this one arrived, itself included (1 = alone). */
  concurrentWrites: number | null;
  done: boolean;
}

export interface CalDavFaultProxy {
  /** Origin of the proxy, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  origin: string;
  /** The same URL on the upstream server, with the proxy's origin instead: store this as the calendar URL. */
  proxied(upstreamUrl: string): string;
  /** Adds a rule; the first matching rule (in the order added) decides a request's fate. Returns a remover. */
  addRule(rule: FaultRule): () => void;
  /** Drops every rule: from now on everything is forwarded. */
  clearRules(): void;
  /** Every request seen so far, in arrival order. */
  readonly requests: readonly ProxiedRequest[];
  /** The highest number of writes to `collection` (a path ending in `/`) ever in flight at once. */
  maxConcurrentWrites(collection: string): number;
  /** Requests seen so far with this method (and, optionally, a path containing `pathIncludes`). */
  count(method: string, pathIncludes?: string): number;
  close(): Promise<void>;
}

/** Methods that change a calendar collection: what "one writer per calendar" is about. */
const WRITE_METHODS = new Set(['PUT', 'DELETE', 'MOVE', 'COPY', 'PROPPATCH', 'MKCALENDAR', 'MKCOL']);

/** Hop-by-hop headers (RFC 9110 §7.6.1) are not forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

const BAD_GATEWAY_PAGE =
  '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n' +
  '<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n';

/**
 * The collection a request path belongs to: the path itself when it ends in `/` (MKCALENDAR,
 * PROPPATCH on the collection), else its parent (an object resource). Query strings are ignored.
 */
export function collectionOf(path: string): string {
  const pathname = path.split('?')[0] ?? path;
  return pathname.endsWith('/') ? pathname : pathname.slice(0, pathname.lastIndexOf('/') + 1);
}

/**
 * A CalDAV fault proxy for tests: an HTTP proxy on a free loopback port in front of a real server
 * (Radicale from the global setup), which injects the faults real deployments see — per request
 * method and per call count — and records which writes to one collection were in flight at the same
 * time. Written by hand because what it must do (forward, THEN drop; count concurrent writes per
 * collection) is exactly what general-purpose proxies and HTTP mocks do not offer.
 *
 * ```ts
 * const proxy = await startCalDavFaultProxy(inject('radicaleUrl'));
 * const collection = await makeCalendar(inject('radicaleUrl'), rooms, uniqueName('room'));
 * // store proxy.proxied(collection) as the calendar's URL, then e.g.:
 * proxy.addRule({ method: 'DELETE', calls: 1, action: { kind: 'drop-after-forward' } });
 * proxy.addRule({ method: 'PUT', action: { kind: 'delay', ms: 100 } });
 * // ... run jobs ...
 * expect(proxy.maxConcurrentWrites(collection)).toBe(1); // upstream or proxied URL: only the path counts
 * await proxy.close();
 * ```
 */
export async function startCalDavFaultProxy(upstream: string): Promise<CalDavFaultProxy> {
  const target = new URL(upstream);
  const rules: { rule: FaultRule; seen: number }[] = [];
  const requests: ProxiedRequest[] = [];
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  const sockets = new Set<Socket>();

  const decide = (method: string, path: string): FaultAction => {
    for (const entry of rules) {
      const { rule } = entry;
      const methods = rule.method === undefined ? undefined : typeof rule.method === 'string' ? [rule.method] : rule.method;
      if (methods && !methods.includes(method)) continue;
      if (rule.pathIncludes !== undefined && !decodeURIComponent(path).includes(rule.pathIncludes) && !path.includes(rule.pathIncludes)) continue;
      entry.seen++;
      if (matchesCall(rule.calls, entry.seen)) return rule.action;
    }
    return { kind: 'forward' };
  };

  const server = createServer((req, res) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = req.url ?? '/';
    const collection = WRITE_METHODS.has(method) ? collectionOf(path) : null;
    const action = decide(method, path);
    const record: ProxiedRequest = { method, path, collection, action: action.kind, upstreamStatus: null, concurrentWrites: null, done: false };
    requests.push(record);
    if (collection !== null) {
      const now = (inFlight.get(collection) ?? 0) + 1;
      inFlight.set(collection, now);
      maxInFlight.set(collection, Math.max(maxInFlight.get(collection) ?? 0, now));
      record.concurrentWrites = now;
    }
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      record.done = true;
      if (collection !== null) inFlight.set(collection, (inFlight.get(collection) ?? 1) - 1);
    };
    // A write counts as in flight until the client has its answer or lost its connection.
    res.once('finish', finish);
    // 'close' also fires when the connection goes away before an answer (reset, dropped).
    res.once('close', finish);
    handle(req, res, action, record).catch(() => {
      // The server behind the proxy could not be reached: what a real reverse proxy answers.
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse, action: FaultAction, record: ProxiedRequest): Promise<void> {
    const body = await readBody(req);
    switch (action.kind) {
      case 'reset':
        req.socket.resetAndDestroy();
        return;
      case 'bad-gateway':
        res.writeHead(502, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(BAD_GATEWAY_PAGE), connection: 'close' });
        res.end(BAD_GATEWAY_PAGE);
        return;
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, action.ms));
        break;
      default:
        break;
    }
    const answer = await forward(req.method ?? 'GET', req.url ?? '/', req.headers, body);
    record.upstreamStatus = answer.status;
    if (action.kind === 'drop-after-forward') {
      // The server has carried the request out; the client never learns it.
      req.socket.destroy();
      return;
    }
    res.writeHead(answer.status, answer.statusText, answer.headers);
    res.end(answer.body);
  }

  function forward(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
  ): Promise<{ status: number; statusText: string; headers: Record<string, string | string[]>; body: Buffer }> {
    const outgoing: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) outgoing[name] = value;
    }
    outgoing['host'] = target.host;
    outgoing['content-length'] = String(body.length);
    return new Promise((resolve, reject) => {
      const upstreamRequest = httpRequest(
        { host: target.hostname, port: target.port, method, path, headers: outgoing },
        (upstreamResponse) => {
          readBody(upstreamResponse).then((data) => {
            const responseHeaders: Record<string, string | string[]> = {};
            for (const [name, value] of Object.entries(upstreamResponse.headers)) {
              if (value !== undefined && !HOP_BY_HOP.has(name)) responseHeaders[name] = value;
            }
            responseHeaders['content-length'] = String(data.length);
            resolve({ status: upstreamResponse.statusCode ?? 502, statusText: upstreamResponse.statusMessage ?? '', headers: responseHeaders, body: data });
          }, reject);
        },
      );
      upstreamRequest.once('error', reject);
      upstreamRequest.end(body);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('fault proxy has no address');
  const origin = `http://127.0.0.1:${address.port}`;

  return {
    origin,
    proxied(upstreamUrl) {
      const url = new URL(upstreamUrl);
      return `${origin}${url.pathname}${url.search}`;
    },
    addRule(rule) {
      const entry = { rule, seen: 0 };
      rules.push(entry);
      return () => {
        const at = rules.indexOf(entry);
        if (at >= 0) rules.splice(at, 1);
      };
    },
    clearRules() {
      rules.length = 0;
    },
    requests,
    maxConcurrentWrites(collection) {
      return maxInFlight.get(collectionOf(new URL(collection, origin).pathname)) ?? 0;
    },
    count(method, pathIncludes) {
      return requests.filter((r) => r.method === method && (pathIncludes === undefined || r.path.includes(pathIncludes))).length;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function matchesCall(calls: FaultRule['calls'], n: number): boolean {
  if (calls === undefined) return true;
  if (typeof calls === 'number') return n === calls;
  if (Array.isArray(calls)) return calls.includes(n);
  const range = calls as { from?: number; to?: number };
  return n >= (range.from ?? 1) && n <= (range.to ?? Number.POSITIVE_INFINITY);
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}
