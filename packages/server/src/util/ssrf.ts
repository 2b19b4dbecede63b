// Server-side requests to user-supplied URLs (webhooks, media fetches) must not reach the
// service's own network: loopback, private, link-local and other special ranges are refused.
import dns from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { VigilError } from '../errors.ts';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
// IPv4-mapped IPv6 (::ffff:a.b.c.d) is not listed here: node's BlockList matches IPv4 addresses
// against IPv6 rules through that mapping, so a ::ffff:0:0/96 rule refused every IPv4 address.
// Mapped addresses are checked by their IPv4 part in isPrivateAddress instead.
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

export function isPrivateAddress(ip: string): boolean {
  const v = isIP(ip);
  if (v === 0) return true;
  if (v === 6) {
    // The URL parser writes any mapped form (::ffff:127.0.0.1, ::FFFF:7f00:1) as ::ffff:7f00:1.
    const m = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(new URL(`http://[${ip}]/`).hostname.slice(1, -1));
    if (m) {
      const hi = parseInt(m[1]!, 16);
      const lo = parseInt(m[2]!, 16);
      return isPrivateAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
    }
  }
  return blocked.check(ip, v === 4 ? 'ipv4' : 'ipv6');
}

/** Resolves a host name to all its addresses. The default looks up `dns.promises.lookup` at call time (tests stub it). */
export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;
export const systemResolver: Resolver = (host) => dns.promises.lookup(host, { all: true, verbatim: true });

export interface CheckedTarget {
  url: URL;
  /** Host name without IPv6 brackets. */
  host: string;
  /** The addresses that were checked, in resolver order; a request connects only to these (no second lookup). */
  addresses: { address: string; family: 4 | 6 }[];
}

/**
 * Resolves the URL's host once and checks it: http(s) only, and unless private targets are allowed,
 * every address the name resolves to must be public (one private answer refuses the URL, so a
 * name with a public and a private record cannot be used to reach the private one).
 */
export async function checkUrl(
  raw: string,
  allowPrivate: boolean,
  resolve: Resolver = systemResolver,
): Promise<CheckedTarget> {
  const url = httpUrl(raw);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addrs = isIP(host) ? [{ address: host, family: isIP(host) }] : await resolve(host).catch(() => []);
  if (!addrs.length) throw new VigilError('unsafe_url', `cannot resolve ${host}`);
  if (!allowPrivate) {
    const bad = addrs.find((a) => isPrivateAddress(a.address));
    if (bad) throw new VigilError('unsafe_url', `${host} resolves to ${bad.address}, a private or loopback address`);
  }
  return {
    url,
    host,
    addresses: addrs.map((a) => ({ address: a.address, family: isIP(a.address) === 6 ? (6 as const) : (4 as const) })),
  };
}

function httpUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new VigilError('unsafe_url', `not a valid URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new VigilError('unsafe_url', 'only http and https URLs are allowed');
  return url;
}

/**
 * Throws unless the URL is http(s) and every address its host resolves to is public (or private is
 * allowed). For checking a URL when it is saved; requests go through pinned-fetch.ts, which checks again.
 */
export async function assertPublicUrl(raw: string, allowPrivate: boolean): Promise<URL> {
  return allowPrivate ? httpUrl(raw) : (await checkUrl(raw, false)).url;
}
