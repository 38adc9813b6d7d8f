import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where a webhook may not deliver (issue 12). Unlike a calendar URL, which only an administrator
 * sets and which usually lives on an internal server, a webhook points outwards at a user's
 * receiver, and the worker posts to it from inside our network: loopback and private ranges
 * would let a webhook probe internal services. They are refused unless the operator sets
 * WEBHOOK_ALLOW_PRIVATE_ADDRESSES (a receiver on the same host or LAN, and the tests).
 * Link-local (cloud metadata, 169.254.169.254) and unspecified addresses are refused always,
 * as for calendars (packages/caldav/src/address-guard.ts).
 */
const always = new BlockList();
always.addSubnet('169.254.0.0', 16, 'ipv4');
always.addSubnet('0.0.0.0', 8, 'ipv4');
always.addSubnet('fe80::', 10, 'ipv6');
always.addAddress('::', 'ipv6');
always.addAddress('fd00:ec2::254', 'ipv6');

const privateNets = new BlockList();
privateNets.addSubnet('127.0.0.0', 8, 'ipv4');
privateNets.addSubnet('10.0.0.0', 8, 'ipv4');
privateNets.addSubnet('172.16.0.0', 12, 'ipv4');
privateNets.addSubnet('192.168.0.0', 16, 'ipv4');
privateNets.addSubnet('100.64.0.0', 10, 'ipv4');
privateNets.addAddress('::1', 'ipv6');
privateNets.addSubnet('fc00::', 7, 'ipv6');

function normalize(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const plain = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(plain);
  if (mapped) return { address: mapped[1]!, family: 'ipv4' };
  return { address: plain, family: isIP(plain) === 6 ? 'ipv6' : 'ipv4' };
}

/** Why a webhook may not be sent to this IP address; undefined when it may. */
export function refusedWebhookAddress(address: string, allowPrivate: boolean): string | undefined {
  const { address: ip, family } = normalize(address);
  if (isIP(ip) === 0) return undefined;
  if (always.check(ip, family)) return `${ip} is a link-local or unspecified address`;
  if (!allowPrivate && privateNets.check(ip, family)) return `${ip} is a loopback or private address (set WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true to allow)`;
  return undefined;
}

/**
 * Checks the URL's host and every address it resolves to; the reason for the first refused one.
 * A name that does not resolve is left to the request itself (it then fails like a down receiver).
 * Checked at creation and again before every attempt, since DNS answers change; a change between
 * this lookup and the connection (rebinding) is not covered, as for calendars.
 */
export async function refusedWebhookTarget(url: URL, allowPrivate: boolean): Promise<string | undefined> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return allowPrivate ? undefined : `${host} is a loopback name (set WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true to allow)`;
  }
  if (isIP(host) !== 0) return refusedWebhookAddress(host, allowPrivate);
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch {
    return undefined;
  }
  for (const { address } of addresses) {
    const refused = refusedWebhookAddress(address, allowPrivate);
    if (refused) return `${host} resolves to ${refused}`;
  }
  return undefined;
}
