import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses a calendar URL must not reach unless the operator allows it (issue 10): link-local,
 * which holds the cloud metadata services (169.254.169.254 on AWS, GCP, Azure, OpenStack), and
 * AWS's IPv6 metadata address. Loopback and private ranges stay allowed: rooms often live on an
 * internal server, and the one who configures a calendar is already an administrator.
 */
const forbidden = new BlockList();
forbidden.addSubnet('169.254.0.0', 16, 'ipv4');
forbidden.addSubnet('fe80::', 10, 'ipv6');
forbidden.addAddress('fd00:ec2::254', 'ipv6');

/** An IPv4 address written as IPv6 (`::ffff:169.254.169.254`) is checked as the IPv4 address. */
function normalize(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1]!, family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

export function isForbiddenAddress(address: string): boolean {
  const { address: plain, family } = normalize(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  if (isIP(plain) === 0) return false;
  return forbidden.check(plain, family);
}

/**
 * The first forbidden address the URL's host is or resolves to; undefined when none. A name that
 * does not resolve is left to the request itself, which then fails as a network error.
 * The check runs before each request (redirect hops included); a DNS answer that changes between
 * this lookup and the connection (rebinding) is not covered, which would need a custom dispatcher
 * in Node's bundled undici.
 */
export async function forbiddenAddressOf(url: URL): Promise<string | undefined> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) return isForbiddenAddress(host) ? host : undefined;
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch {
    return undefined;
  }
  return addresses.find((a) => isForbiddenAddress(a.address))?.address;
}
