import { isForbiddenAddress, normalizeAddress, refusedAddressOf } from '@roombook/caldav';
import { BlockList } from 'node:net';

/**
 * Where a webhook may not deliver (issue 12). Unlike a calendar URL, which only an administrator
 * sets and which usually lives on an internal server, a webhook points outwards at a user's
 * receiver, and the worker posts to it from inside our network: loopback and private ranges
 * would let a webhook probe internal services. They are refused unless the operator sets
 * WEBHOOK_ALLOW_PRIVATE_ADDRESSES (a receiver on the same host or LAN, and the tests).
 * Link-local (cloud metadata, 169.254.169.254) addresses are refused always, by the calendars'
 * own rule (@roombook/caldav's address guard), and so are unspecified ones.
 */
const unspecified = new BlockList();
unspecified.addSubnet('0.0.0.0', 8, 'ipv4');
unspecified.addAddress('::', 'ipv6');

const privateNets = new BlockList();
privateNets.addSubnet('127.0.0.0', 8, 'ipv4');
privateNets.addSubnet('10.0.0.0', 8, 'ipv4');
privateNets.addSubnet('172.16.0.0', 12, 'ipv4');
privateNets.addSubnet('192.168.0.0', 16, 'ipv4');
privateNets.addSubnet('100.64.0.0', 10, 'ipv4');
privateNets.addAddress('::1', 'ipv6');
privateNets.addSubnet('fc00::', 7, 'ipv6');

/** Why a webhook may not be sent to this IP address; undefined when it may. */
export function refusedWebhookAddress(address: string, allowPrivate: boolean): string | undefined {
  const ip = normalizeAddress(address);
  if (ip === null) return undefined;
  if (isForbiddenAddress(ip.address) || unspecified.check(ip.address, ip.family)) return `${ip.address} is a link-local or unspecified address`;
  if (!allowPrivate && privateNets.check(ip.address, ip.family)) return `${ip.address} is a loopback or private address (set WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true to allow)`;
  return undefined;
}

/**
 * Checks the URL's host and every address it resolves to; the reason for the first refused one.
 * Checked at creation and again before every attempt, since DNS answers change (rebinding between
 * this lookup and the connection is not covered, as for calendars).
 */
export async function refusedWebhookTarget(url: URL, allowPrivate: boolean): Promise<string | undefined> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return allowPrivate ? undefined : `${host} is a loopback name (set WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true to allow)`;
  }
  const refused = await refusedAddressOf(url, (address) => refusedWebhookAddress(address, allowPrivate));
  if (!refused) return undefined;
  return normalizeAddress(host) ? refused.refusal : `${host} resolves to ${refused.refusal}`;
}
