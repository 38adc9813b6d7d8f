import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface SmtpServerOptions {
  /** Implicit TLS from the first byte (SMTPS, like port 465). */
  secure: boolean;
  /** Offer STARTTLS on a plain connection (like port 587). Ignored when `secure`. */
  starttls?: boolean;
  /** Require AUTH with these credentials; without it any client may send. */
  auth?: { user: string; pass: string };
  /** Answer every RCPT TO with `550 5.1.1` (true) or only these addresses (for permanent-failure tests). */
  rejectRecipients?: boolean | string[];
}

/** A received message: what mailparser made of the data, plus the SMTP envelope (shows BCCs). */
export interface ReceivedMail extends ParsedMail {
  envelope: { from: string | undefined; to: string[] };
  /** The AUTH user of the session, if it authenticated. */
  authUser: string | undefined;
  /** Whether the session was encrypted when the message was sent. */
  secureSession: boolean;
}

export interface TestSmtpServer {
  port: number;
  /** Every message received so far, in order. */
  messages: ReceivedMail[];
  /** Resolves once `n` messages have arrived; rejects after `timeoutMs` (default 10 s). */
  waitForMessages(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
}

const exec = promisify(execFile);

let certificate: Promise<{ key: string; cert: string }> | undefined;

/**
 * A throwaway self-signed certificate for CN=localhost, made once per process with openssl
 * (present wherever the CI runs; no key material is committed).
 */
function selfSignedCertificate(): Promise<{ key: string; cert: string }> {
  certificate ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'roombook-smtp-cert-'));
    try {
      const keyFile = join(dir, 'key.pem');
      const certFile = join(dir, 'cert.pem');
      await exec('openssl', [
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1',
        '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout', keyFile, '-out', certFile,
      ]);
      return { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8') };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
  return certificate;
}

/**
 * Starts a real SMTP server (the `smtp-server` package) on 127.0.0.1, port 0, that parses what
 * it receives with mailparser. TLS (implicit or STARTTLS) uses a self-signed certificate, so
 * clients must be told not to verify it. Plain-text AUTH is allowed only where a test asks for a
 * plain server. Call `stop()` after closing the client's connections.
 */
export async function startSmtpServer(options: SmtpServerOptions): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  const waiters: Array<() => void> = [];
  const tls = options.secure || options.starttls ? await selfSignedCertificate() : undefined;
  const rejected = options.rejectRecipients;

  const serverOptions: SMTPServerOptions = {
    secure: options.secure,
    ...(tls ?? {}),
    // Without TLS there is nothing to upgrade to; hide the extension so clients don't try.
    ...(options.secure || options.starttls ? {} : { disabledCommands: ['STARTTLS'] }),
    authOptional: options.auth === undefined,
    allowInsecureAuth: !options.secure && !options.starttls,
    logger: false,
    closeTimeout: 1_000,
    size: 10 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) {
        callback(null, { user: auth.username });
      } else {
        callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      }
    },
    onRcptTo(address, _session, callback) {
      const refuse = rejected === true || (Array.isArray(rejected) && rejected.includes(address.address));
      if (refuse) {
        callback(Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected`), { responseCode: 550 }));
      } else {
        callback();
      }
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const mail: ReceivedMail = Object.assign(parsed, {
            envelope: {
              from: session.envelope.mailFrom === false ? undefined : session.envelope.mailFrom.address,
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            authUser: typeof session.user === 'string' ? session.user : undefined,
            secureSession: session.secure,
          });
          messages.push(mail);
          for (const wake of waiters.splice(0)) wake();
          callback();
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  };
  const server = new SMTPServer(serverOptions);
  // A client dropping a connection mid-test is not a test failure; without a listener it would crash.
  server.on('error', () => {});

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    port,
    messages,
    waitForMessages(n, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          if (messages.length < n) return false;
          clearTimeout(timer);
          resolve(messages.slice(0, n));
          return true;
        };
        const timer = setTimeout(() => {
          reject(new Error(`expected ${n} message(s) within ${timeoutMs} ms, got ${messages.length}`));
        }, timeoutMs);
        const wait = (): void => {
          if (!check()) waiters.push(wait);
        };
        wait();
      });
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
