import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses a calendar URL must not reach unless the operator allows it (issue 10): link-local,
 * which holds the cloud metadata services (169.254.169.254 on AWS, GCP, Azure, OpenStack), and
 * AWS's IPv6 metadata address. Loopback and private ranges stay allowed: rooms often live on an
 * internal server, and the one who configures a calendar is already an administrator.
 * Webhook targets (packages/service/src/webhook-address.ts) refuse these too, and more, through
 * the same normalisation and resolution below.
 */
const forbidden = new BlockList();
forbidden.addSubnet('169.254.0.0', 16, 'ipv4');
forbidden.addSubnet('fe80::', 10, 'ipv6');
forbidden.addAddress('fd00:ec2::254', 'ipv6');

/**
 * An address as a BlockList checks it: brackets and a zone id dropped, and an IPv4 address written
 * as IPv6 (`::ffff:169.254.169.254`) checked as the IPv4 address. Null when it is not an IP address.
 */
export function normalizeAddress(address: string): { address: string; family: 'ipv4' | 'ipv6' } | null {
  const plain = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(plain);
  if (mapped) return { address: mapped[1]!, family: 'ipv4' };
  const version = isIP(plain);
  return version === 0 ? null : { address: plain, family: version === 6 ? 'ipv6' : 'ipv4' };
}

export function isForbiddenAddress(address: string): boolean {
  const ip = normalizeAddress(address);
  return ip !== null && forbidden.check(ip.address, ip.family);
}

/**
 * The first refusal `check` gives for the URL's host or an address it resolves to, with the
 * address it was given for; undefined when none. A name that does not resolve is left to the
 * request itself, which then fails as a network error. A DNS answer that changes between this
 * lookup and the connection (rebinding) is not covered, which would need a custom dispatcher in
 * Node's bundled undici.
 */
export async function refusedAddressOf<R>(url: URL, check: (address: string) => R | undefined): Promise<{ address: string; refusal: R } | undefined> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string }[];
  if (isIP(host) !== 0) addresses = [{ address: host }];
  else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch {
      return undefined;
    }
  }
  for (const { address } of addresses) {
    const refusal = check(address);
    if (refusal !== undefined) return { address, refusal };
  }
  return undefined;
}

/**
 * The first forbidden address the URL's host is or resolves to; undefined when none. The check runs
 * before each request (redirect hops included).
 */
export async function forbiddenAddressOf(url: URL): Promise<string | undefined> {
  return (await refusedAddressOf(url, (address) => (isForbiddenAddress(address) ? true : undefined)))?.address;
}
